package io.shardshift.cutover.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The source's reject trigger on a real PostgreSQL (no Kafka): tenant values with quotes and backslashes, even
 * on a session with {@code standard_conforming_strings = off}, and only Shardshift's role gets past it.
 */
class SourceFreezeIT {
    static final TableId NOTES = TableId.parse("public.notes");
    static DevPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = DevPostgres.startWithoutLogicalWal();
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.notes (id int PRIMARY KEY, tenant_id text NOT NULL, note text)");
            st.execute("INSERT INTO public.notes VALUES (1, 'o''hara\\', 'a'), (2, 'other', 'b'), (3, 'x'', ''y', 'c')");
            st.execute("CREATE ROLE app_writer LOGIN PASSWORD 'app-writer'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON public.notes TO app_writer");
        }
        String scsOff = pg.jdbcUrl("postgres") + "?options=-c%20standard_conforming_strings%3Doff";
        try (SourceFreeze freeze = SourceFreeze.acquire(scsOff, pg.user(), pg.password(), List.of(NOTES), Duration.ofSeconds(5))) {
            freeze.rejectWritesFromNowOn(3, Map.of(NOTES, "tenant_id"), List.of("o'hara\\", "x', 'y"));
            freeze.commit();
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldRejectTheWritesOfATenantWithAQuoteAndABackslashAndKeepTheOthers() throws Exception {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            assertRejected(st, "UPDATE public.notes SET note = 'x' WHERE id = 1");
            assertRejected(st, "INSERT INTO public.notes VALUES (10, 'o''hara\\', 'new')");
            assertRejected(st, "DELETE FROM public.notes WHERE id = 3");
            assertThat(st.executeUpdate("UPDATE public.notes SET note = 'still writing' WHERE id = 2")).isEqualTo(1);
            assertThat(st.executeUpdate("INSERT INTO public.notes VALUES (11, 'o''hara', 'no backslash')")).isEqualTo(1);
        }
    }

    @Test
    void shouldLetOnlyAMemberOfTheReplicaRoleWriteAMovedTenantsRows() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "app_writer");
        p.setProperty("password", "app-writer");
        p.setProperty("ApplicationName", "shardshift-cutover");
        try (Connection app = DriverManager.getConnection(pg.jdbcUrl("postgres"), p); Statement st = app.createStatement()) {
            app.setAutoCommit(false);
            st.execute("SET LOCAL shardshift.replica = on");
            assertRejected(st, "UPDATE public.notes SET note = 'posing as the migrator' WHERE id = 1");
            app.rollback();
        }
        try (Connection c = admin(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET LOCAL shardshift.replica = on");
            assertThat(st.executeUpdate("UPDATE public.notes SET note = 'copied back' WHERE id = 1")).isEqualTo(1);
            c.commit();
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
    }

    private static void assertRejected(Statement st, String sql) {
        assertThatThrownBy(() -> st.executeUpdate(sql)).as(sql).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(SourceFreeze.MOVED_SQLSTATE));
    }
}
