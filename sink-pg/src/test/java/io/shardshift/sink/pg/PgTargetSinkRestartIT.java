package io.shardshift.sink.pg;

import io.shardshift.core.sink.TargetUnavailableException;
import io.shardshift.core.sink.contract.Items;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shardshift.core.sink.contract.Items.create;
import static io.shardshift.core.sink.contract.Items.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A target stopped and started again on the same data directory and port under an open sink: while it is
 * down a write fails fast as {@link TargetUnavailableException} naming the target (for apply to wait out),
 * and after the restart the same sink writes again on a new connection, its old one being stale.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PgTargetSinkRestartIT {
    static DevPostgres pg;

    @BeforeAll
    static void start() {
        pg = DevPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldReportTheOutageAndWriteAgainOnANewConnectionAfterARestart() {
        TargetDb db = TargetDb.create(pg, "restart");
        PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA));
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 100, 5)) {
            assertThat(sink.apply(List.of(create(1, "a", "1", 10)))).isEmpty();

            pg.stop();
            try {
                assertThatThrownBy(() -> sink.apply(List.of(create(2, "b", "2", 20))))
                        .isInstanceOf(TargetUnavailableException.class)
                        .hasMessageContaining("target '" + db.spec().name() + "' (jdbc:postgresql://127.0.0.1:" + pg.port())
                        .hasMessageContaining("LSN")
                        .hasMessageNotContaining(pg.password() + "@")
                        .satisfies(e -> assertThat(((TargetUnavailableException) e).target()).isEqualTo(db.spec().name()));
            } finally {
                pg.restart();
            }

            assertThat(sink.apply(List.of(create(2, "b", "2", 20)))).isEmpty();
            pg.stop();
            pg.restart();
            assertThat(sink.apply(List.of(create(3, "c", "3", 30)))).as("a stale connection is replaced").isEmpty();
        }
        assertThat(db.row(Items.SCHEMA, Items.key(1))).contains(row(1, "a", "1"));
        assertThat(db.row(Items.SCHEMA, Items.key(2))).contains(row(2, "b", "2"));
        assertThat(db.row(Items.SCHEMA, Items.key(3))).contains(row(3, "c", "3"));
    }
}
