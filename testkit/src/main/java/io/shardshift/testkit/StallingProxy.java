package io.shardshift.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a loopback port in front of a server, whose forwarding can be stalled: a network that stops
 * carrying packets without closing anything. While {@linkplain #stall() stalled}, connections stay open and
 * new ones are accepted, but no byte goes through in either direction; on {@link #resume()} what was held
 * is delivered and forwarding goes on. For chaos tests of targets behind a stalled network.
 *
 * <pre>{@code
 * try (StallingProxy proxy = StallingProxy.start("127.0.0.1", pg.port())) {
 *     String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/app";
 *     proxy.stall();
 *     ...
 *     proxy.resume();
 * }
 * }</pre>
 */
public final class StallingProxy implements AutoCloseable {
    private static final long STALL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;
    private volatile boolean closed;

    private StallingProxy(ServerSocket server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /** Starts forwarding {@code 127.0.0.1:<port()>} to {@code host:port}. */
    public static StallingProxy start(String host, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        StallingProxy proxy = new StallingProxy(server, host, port);
        Thread acceptor = new Thread(proxy::accept, "stalling-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding, keeping every connection open. */
    public void stall() {
        stalled = true;
    }

    /** Forwards again, first what was held. */
    public void resume() {
        stalled = false;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket upstream = new Socket(host, port);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    awaitForwarding();
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    awaitForwarding();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // a side closed: close the other one too
            } catch (IOException e) {
                // same
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "stalling-proxy-" + port() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void awaitForwarding() {
        while (stalled && !closed) {
            LockSupport.parkNanos(STALL_POLL_NANOS);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(StallingProxy::closeQuietly);
    }
}
