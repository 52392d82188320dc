package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpProxyTest {

    @Test
    void shouldForwardThenHoldBytesWhileStalledThenDeliverThemOnResume() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (Exception e) {
                    // closed
                }
            });
            server.setDaemon(true);
            server.start();
            try (TcpProxy proxy = TcpProxy.start(echo.getLocalPort());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                client.setSoTimeout(500);
                client.getOutputStream().write('a');
                assertThat(client.getInputStream().read()).isEqualTo('a');

                proxy.stall();
                client.getOutputStream().write('b');
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                proxy.resume();
                client.setSoTimeout(5_000);
                assertThat(client.getInputStream().read()).isEqualTo('b');
            }
        }
    }
}
