package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class DevPostgresIT {
    private static DevPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = DevPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldRunWithLogicalWalLevelAndReplicationSettings() throws SQLException {
        try (Connection c = pg.connect("postgres")) {
            assertThat(show(c, "wal_level")).isEqualTo("logical");
            assertThat(show(c, "max_wal_senders")).isEqualTo("20");
            assertThat(show(c, "max_replication_slots")).isEqualTo("20");
            assertThat(show(c, "synchronous_commit")).isEqualTo("on");
            assertThat(show(c, "max_connections")).isEqualTo("200");
        }
    }

    @Test
    void shouldKeepItsDataAndPortAcrossAStopAndRestart() throws SQLException {
        pg.createDatabase("restarted");
        try (Connection c = pg.connect("restarted"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1), (2)");
        }
        int port = pg.port();

        pg.stop();
        assertThatThrownBy(() -> pg.connect("restarted").close()).isInstanceOf(SQLException.class);
        pg.restart();

        assertThat(pg.port()).isEqualTo(port);
        try (Connection c = pg.connect("restarted"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void shouldGiveJdbcUrlOnLoopbackPort() {
        assertThat(pg.jdbcUrl("orders")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/orders");
    }

    @Test
    void shouldLetSuperuserWithReplicationLogInWithPasswordOverTcp() throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void shouldRejectWrongPasswordOverTcp() {
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "wrong").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void shouldCreateDatabaseAndLogicalSlotWithPgoutput() throws SQLException {
        pg.createDatabase("slots_db");
        try (Connection c = pg.connect("slots_db"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id bigint PRIMARY KEY, name text)");
            s.execute("ALTER TABLE item REPLICA IDENTITY FULL");
            s.execute("CREATE PUBLICATION item_pub FOR TABLE item");
            try (ResultSet rs = s.executeQuery(
                    "SELECT slot_name FROM pg_create_logical_replication_slot('item_slot', 'pgoutput')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("item_slot");
            }
            s.execute("INSERT INTO item VALUES (1, 'one')");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_logical_slot_get_binary_changes("
                    + "'item_slot', NULL, NULL, 'proto_version', '1', 'publication_names', 'item_pub')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(3); // begin, relation/insert, commit
            }
            s.execute("SELECT pg_drop_replication_slot('item_slot')");
        }
    }

    @Test
    void shouldRejectInvalidDatabaseName() {
        assertThatThrownBy(() -> pg.createDatabase("bad name; DROP"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database");
    }

    @Test
    void shouldReportReplicaWalLevelWhenStartedWithoutLogicalWal() throws SQLException {
        try (DevPostgres replica = DevPostgres.startWithoutLogicalWal(); Connection c = replica.connect("postgres")) {
            assertThat(show(c, "wal_level")).isEqualTo("replica");
            assertThat(replica.port()).isNotEqualTo(pg.port());
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute(
                        "SELECT pg_create_logical_replication_slot('nope', 'pgoutput')"))
                        .hasMessageContaining("wal_level");
            }
        }
    }

    @Test
    void shouldReleasePortAndFilesOnClose() throws Exception {
        DevPostgres other = DevPostgres.start();
        int port = other.port();
        Path log = other.logFile();
        other.close();
        other.close();

        assertThat(log.getParent()).doesNotExist();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldKeepDataAcrossRestartsInGivenDataDirectory(@TempDir Path dir) throws SQLException {
        Path dataDir = dir.resolve("pgdata");
        try (DevPostgres first = DevPostgres.start(dataDir)) {
            first.createDatabase("kept");
            try (Connection c = first.connect("kept"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (42)");
            }
        }
        assertThat(dataDir.resolve("PG_VERSION")).exists();
        try (DevPostgres second = DevPostgres.start(dataDir);
             Connection c = second.connect("kept");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(show(c, "wal_level")).isEqualTo("logical");
        }
        assertThat(Files.exists(dataDir)).isTrue();
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
