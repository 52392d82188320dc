package io.shardshift.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free TCP ports on the loopback interface.
 *
 * <p>A port is free when this method returns, but another process may take it before the caller binds
 * it; callers that start a server retry with fresh ports when the bind fails.
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** Returns one free loopback port. */
    public static int find() {
        return find(1)[0];
    }

    /**
     * Returns {@code count} distinct free loopback ports. All sockets are held open until every port is
     * chosen, so the ports differ from each other.
     */
    public static int[] find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find " + count + " free loopback port(s)", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is released when the socket is gone either way
                }
            }
        }
    }
}
