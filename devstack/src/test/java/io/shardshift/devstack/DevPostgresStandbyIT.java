package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("slow")
@Timeout(180)
class DevPostgresStandbyIT {

    @Test
    void shouldStreamToAStandbyThatTakesOverWhenPromotedBehindTheSameProxyAddress() throws Exception {
        try (DevPostgres primary = DevPostgres.start()) {
            primary.createDatabase("app");
            exec(primary, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
            try (DevPostgres standby = primary.startStandby(); TcpProxy vip = TcpProxy.start(primary.port())) {
                assertThat(standby.port()).isNotEqualTo(primary.port());
                exec(primary, "INSERT INTO t VALUES (2, 'b')");
                standby.awaitReplayed(primary.currentWalLsn(), Duration.ofSeconds(30));
                assertThat(count(standby, "app")).isEqualTo(2);
                assertThatThrownBy(() -> exec(standby, "INSERT INTO t VALUES (3, 'c')"))
                        .hasMessageContaining("read-only");
                long primaryTimeline = timeline(primary);

                primary.kill();
                standby.promote();
                vip.redirect(standby.port());

                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + vip.port() + "/app",
                        primary.user(), primary.password()); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO t VALUES (3, 'c')");
                }
                assertThat(count(standby, "app")).isEqualTo(3);
                assertThat(timeline(standby)).isEqualTo(primaryTimeline + 1);
            }
        }
    }

    @Test
    void shouldLeaveADetachedStandbyBehindItsPrimary() throws Exception {
        try (DevPostgres primary = DevPostgres.start()) {
            primary.createDatabase("app");
            exec(primary, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            try (DevPostgres standby = primary.startStandby()) {
                standby.awaitReplayed(primary.currentWalLsn(), Duration.ofSeconds(30));
                standby.detachFromPrimary(Duration.ofSeconds(30));
                exec(primary, "INSERT INTO t VALUES (2)");
                primary.kill();
                standby.promote();
                assertThat(count(standby, "app")).isEqualTo(1);
            }
        }
    }

    private static void exec(DevPostgres pg, String... sql) throws SQLException {
        try (Connection c = pg.connect("app"); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static long count(DevPostgres pg, String db) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long timeline(DevPostgres pg) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
