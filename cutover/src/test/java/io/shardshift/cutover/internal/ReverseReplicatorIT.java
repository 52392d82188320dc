package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.cutover.PostgresSourceAndTargets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reverse replication between two real PostgreSQL instances (a source and one target), without Kafka:
 * application writes logged on the target reach the source exactly once, in order, never past a log
 * writer still in progress; a late delete does not remove a row that moved to another tenant meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReverseReplicatorIT {
    @RegisterExtension
    static final PostgresSourceAndTargets postgres = new PostgresSourceAndTargets("moves", "public.moves", 1);
    static final TableSchema MOVES = PostgresSourceAndTargets.MOVES;

    @BeforeEach
    void resetTables() throws Exception {
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.moves");
            st.execute(PostgresSourceAndTargets.MOVES_ON_SOURCE);
            st.execute("INSERT INTO public.moves VALUES (1, 'globex', 'one')");
            ReverseReplicator.prepareSource(s);
            ReverseReplicator.begin(s, postgres.spec().name(), List.of("pg_a"), 2, Instant.now().plusSeconds(3600));
        }
        try (Connection t = postgres.target(0).connect("app"); Statement st = t.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.moves");
            st.execute(PostgresSourceAndTargets.MOVES_ON_TARGET);
            st.execute("INSERT INTO public.moves VALUES (1, 'globex', 'one', 100)");
        }
        ReverseLog.prepare(postgres.spec().target("pg_a"), List.of(MOVES));
        ReverseLog.start(postgres.spec().target("pg_a"), List.of(MOVES));
    }

    /** A connection as an application (its writes are logged). */
    private static Connection app() throws SQLException {
        return PostgresSourceAndTargets.application(postgres.target(0));
    }

    @Test
    void shouldCopyEachWriteOnceAndKeepARowThatMovedToAnotherTenantFromALateDelete() throws Exception {
        try (Connection a = app(); Statement st = a.createStatement()) {
            st.executeUpdate("DELETE FROM public.moves WHERE id = 1");
            st.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (2, 'initech', 'two')");
            st.executeUpdate("UPDATE public.moves SET note = 'two v2' WHERE id = 2");
        }
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.executeUpdate("UPDATE public.moves SET tenant_id = 'acme', note = 'moved' WHERE id = 1");
        }
        LogCopy copier = new LogCopy(postgres.spec(), List.of(MOVES));

        long first = copyAll(copier);
        long second = copyAll(copier);

        assertThat(first).isEqualTo(3);
        assertThat(second).as("entries copied again").isZero();
        assertThat(postgres.sourceMoves()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "acme/moved", 2L, "initech/two v2"));
        try (Connection t = postgres.target(0).connect("app"); Statement st = t.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT _ss_lsn FROM public.moves WHERE id = 2), "
                     + "(SELECT lsn FROM shardshift.shardshift_tombstones WHERE table_name = 'public.moves' AND key = ARRAY['1'])")) {
            rs.next();
            assertThat(rs.getLong(1)).as("fence of an application write").isEqualTo(ReverseLog.APP_FENCE);
            assertThat(rs.getLong(2)).as("tombstone of an application delete").isEqualTo(ReverseLog.APP_FENCE);
        }
    }

    @Test
    void shouldNotCopyPastALogWriterStillInProgress() throws Exception {
        try (ReverseReplicator replicator = new ReverseReplicator(postgres.spec(), List.of(MOVES), Instant.now().plusSeconds(3600), r -> true).start();
             Connection slow = app(); Connection fast = app()) {
            slow.setAutoCommit(false);
            try (Statement st = slow.createStatement()) {
                st.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (10, 'hooli', 'slow')");
            }
            try (Statement st = fast.createStatement()) {
                st.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (11, 'hooli', 'fast')");
            }

            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !postgres.sourceMoves().containsKey(11L));
            slow.commit();

            await().atMost(Duration.ofSeconds(10)).until(() -> postgres.sourceMoves().keySet().containsAll(List.of(10L, 11L)));
            await().atMost(Duration.ofSeconds(10)).until(() -> replicator.lag() == 0 && logSize() == 0);
            assertThat(replicator.copied()).containsEntry("pg_a", 2L);
        }
    }

    @Test
    void shouldEndTheWindowOnTimeAfterALastRound() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        try (ReverseReplicator replicator = new ReverseReplicator(postgres.spec(), List.of(MOVES), Instant.now().plusSeconds(1),
                r -> {
                    ended.set(true);
                    return true;
                }).start()) {
            try (Connection a = app(); Statement st = a.createStatement()) {
                st.executeUpdate("UPDATE public.moves SET note = 'last' WHERE id = 1");
            }
            await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
            assertThat(replicator.windowEnd()).isBefore(Instant.now());
        }
    }

    private static long copyAll(LogCopy copier) throws SQLException {
        try (Connection s = postgres.source().connect("app"); Connection t = postgres.target(0).connect("app")) {
            s.setAutoCommit(false);
            long n = copier.copyInto(s, Map.of("pg_a", t), Map.of("pg_a", Long.MAX_VALUE), Long.MAX_VALUE).writes();
            s.commit();
            return n;
        }
    }


    private static long logSize() throws SQLException {
        try (Connection t = postgres.target(0).connect("app"); Statement st = t.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ReverseLog.LOG_TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
