package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void shouldReturnDistinctBindablePorts() throws Exception {
        int[] ports = FreePorts.find(3);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(3);
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void shouldRejectCountBelowOne() {
        assertThatThrownBy(() -> FreePorts.find(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
    }
}
