package io.shardshift.cdc.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgConnectionsTest {

    @Test
    void shouldMaskThePasswordOfAUrlItRefuses() {
        assertThatThrownBy(() -> PgConnections.Endpoint.parse(
                "jdbc:postgresql://h1,h2/app?user=app&password=hunter2", "source.jdbcUrl"))
                .hasMessageContaining("source.jdbcUrl").hasMessageContaining("password=******")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PgConnections.Endpoint.parse("jdbc:mysql://app:hunter2@db/app", "targets[0].jdbcUrl"))
                .hasMessageContaining("app:******@db").hasMessageNotContaining("hunter2");
    }
}
