package io.shardshift.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free loopback port that forwards every connection to {@code 127.0.0.1:upstreamPort} and can
 * stop forwarding: {@link #stall()} holds every byte in both directions (connections stay open, nothing is
 * refused, peers just wait, as behind a network that drops packets), {@link #resume()} lets them through again.
 * For fault-injection tests: put it between a client and a server by giving the client {@link #port()}.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(pg.port())) {
 *     String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/app";
 *     proxy.stall(); ... proxy.resume();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final int BUFFER = 64 * 1024;

    private volatile int upstreamPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean stalled;
    private volatile boolean closed;

    private TcpProxy(int upstreamPort, ServerSocket server) {
        this.upstreamPort = upstreamPort;
        this.server = server;
    }

    /** Starts forwarding from a free loopback port to {@code 127.0.0.1:upstreamPort}. */
    public static TcpProxy start(int upstreamPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TcpProxy proxy = new TcpProxy(upstreamPort, server);
            Thread accept = new Thread(proxy::acceptLoop, "tcp-proxy-" + server.getLocalPort() + "-accept");
            accept.setDaemon(true);
            accept.start();
            LOG.info("TCP proxy 127.0.0.1:{} -> 127.0.0.1:{}", server.getLocalPort(), upstreamPort);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a TCP proxy to port " + upstreamPort, e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Points the proxy at another upstream, as a VIP or DNS name moved to a promoted standby: every open connection
     * is closed (clients see the old server gone) and new connections go to {@code 127.0.0.1:newUpstreamPort}.
     */
    public void redirect(int newUpstreamPort) {
        int old = upstreamPort;
        upstreamPort = newUpstreamPort;
        sockets.forEach(TcpProxy::closeQuietly);
        LOG.info("TCP proxy {} now forwards to {} (was {})", port(), newUpstreamPort, old);
    }

    /** Stops forwarding in both directions; connections stay open and bytes wait. */
    public void stall() {
        stalled = true;
        LOG.info("TCP proxy {} -> {} stalled", port(), upstreamPort);
    }

    /** Forwards again what waited and what follows. */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
        LOG.info("TCP proxy {} -> {} forwarding again", port(), upstreamPort);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    throw e;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TCP proxy {}: {}", port(), e.toString());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[BUFFER];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitForwarding();
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the peer closed, or the proxy did
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-" + port() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void awaitForwarding() throws InterruptedException {
        synchronized (gate) {
            while (stalled && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        resume();
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        sockets.forEach(TcpProxy::closeQuietly);
    }
}
