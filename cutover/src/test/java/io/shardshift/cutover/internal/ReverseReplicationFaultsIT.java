package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.cutover.PostgresSourceAndTargets;
import io.shardshift.devstack.DevPostgres;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reverse replication from two real PostgreSQL targets to a real PostgreSQL source when things go wrong: the
 * source restarts while applications write to the targets (nothing is lost, copying resumes by itself); a row
 * moved A -> B -> A between two rounds ends on the source as the application left it; a window that ends while a
 * logged write cannot reach the source is not closed and keeps that write until it can.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ReverseReplicationFaultsIT {
    @RegisterExtension
    static final PostgresSourceAndTargets postgres = new PostgresSourceAndTargets("moves", "public.moves", 2);
    static final TableSchema MOVES = PostgresSourceAndTargets.MOVES;

    @BeforeEach
    void resetTables() throws Exception {
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.moves");
            st.execute(PostgresSourceAndTargets.MOVES_ON_SOURCE);
            st.execute("INSERT INTO public.moves VALUES (1, 'acme', 'v0')");
            ReverseReplicator.prepareSource(s);
            ReverseReplicator.begin(s, postgres.spec().name(), List.of("pg_a", "pg_b"), 2, Instant.now().plusSeconds(3600));
        }
        postgres.executeOnTargets("DROP TABLE IF EXISTS public.moves", PostgresSourceAndTargets.MOVES_ON_TARGET);
        try (Connection t = postgres.target(0).connect("app"); Statement st = t.createStatement()) {
            st.execute("INSERT INTO public.moves VALUES (1, 'acme', 'v0', 100)");
        }
        for (String name : postgres.targetNames()) {
            ReverseLog.prepare(postgres.spec().target(name), List.of(MOVES));
            ReverseLog.start(postgres.spec().target(name), List.of(MOVES));
        }
    }

    /** A connection to a target as an application (its writes are logged). */
    private static Connection app(DevPostgres target) throws SQLException {
        return PostgresSourceAndTargets.application(target);
    }

    @Test
    void shouldEndWithTheApplicationsLastWriteWhenARowMovesAToBToAWithinOneRound() throws Exception {
        try (Connection a = app(postgres.target(0)); Connection b = app(postgres.target(1)); Statement onA = a.createStatement();
             Statement onB = b.createStatement()) {
            onA.executeUpdate("DELETE FROM public.moves WHERE id = 1");
            onB.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (1, 'globex', 'v1')");
            onB.executeUpdate("DELETE FROM public.moves WHERE id = 1");
            onA.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (1, 'acme', 'v2')");
        }

        try (ReverseReplicator replicator = new ReverseReplicator(postgres.spec(), List.of(MOVES), Instant.now().plusSeconds(3600),
                r -> true).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> replicator.lag() == 0 && logSize(postgres.target(0)) == 0
                    && logSize(postgres.target(1)) == 0);

            assertThat(postgres.sourceMoves()).containsExactlyEntriesOf(Map.of(1L, "acme/v2"));
            assertThat(replicator.copied()).containsEntry("pg_a", 2L).containsEntry("pg_b", 2L);
        }
    }

    @Test
    void shouldCopyEveryWriteWhenTheSourceRestartsDuringReverseReplication() throws Exception {
        List<Long> acked = new CopyOnWriteArrayList<>();
        try (ReverseReplicator replicator = new ReverseReplicator(postgres.spec(), List.of(MOVES), Instant.now().plusSeconds(3600),
                r -> true).start(); Connection a = app(postgres.target(0)); Connection b = app(postgres.target(1))) {
            writeRows(a, b, 100, 140, acked);
            await().atMost(Duration.ofSeconds(20)).until(() -> postgres.sourceMoves().size() == 42);

            postgres.source().restart();
            writeRows(a, b, 141, 200, acked);

            await().atMost(Duration.ofSeconds(60)).until(() -> replicator.problem() == null && replicator.lag() == 0);
            Map<Long, String> rows = postgres.sourceMoves();
            assertThat(acked).hasSize(101);
            for (long id : acked) {
                assertThat(rows).as("row %d on the source", id).containsEntry(id, (id % 2 == 0 ? "acme" : "globex") + "/n" + id);
            }
            assertThat(rows).hasSize(102);
            assertThat(replicator.copied().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(101);
        }
    }

    @Test
    void shouldSayItIsReconnectingWhileTheSourceCannotBeReached() throws Exception {
        MigrationSpec unreachable = SpecLoader.parse("""
                name: moves
                source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:%d/app", user: postgres, password: "x"}
                tables: [{name: public.moves}]
                kafka: {bootstrapServers: "localhost:1"}
                targets:
                  - {name: pg_a, jdbcUrl: "%s", user: %s, password: "%s"}
                layout: {generation: 2, shardKey: tenant_id, buckets: 4, targets: [pg_a]}
                """.formatted(io.shardshift.devstack.FreePorts.find(), postgres.target(0).jdbcUrl("app"),
                postgres.target(0).user(), postgres.target(0).password()), Map.of());
        try (ReverseReplicator replicator = new ReverseReplicator(unreachable, List.of(MOVES),
                Instant.now().plusSeconds(3600), r -> true).start()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(replicator.problem())
                    .startsWith("reconnecting after: cannot connect to the source").contains("attempt 2"));
        }
    }

    @Test
    void shouldRefuseToCloseTheWindowAndKeepTheLoggedWriteWhileItCannotReachTheSource() throws Exception {
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.execute("ALTER TABLE public.moves ADD CONSTRAINT not_yet CHECK (note <> 'held up')");
        }
        List<String> refusals = new CopyOnWriteArrayList<>();
        List<String> ended = new CopyOnWriteArrayList<>();
        ObservationWindow window = new ObservationWindow(postgres.spec(), List.of(MOVES), new ReentrantLock(), new ObservationWindow.Listener() {
            @Override
            public void ended(long generation, Instant windowEnd, Map<String, Long> copied) {
                ended.add(generation + " " + copied);
            }

            @Override
            public void refused(long generation, Instant windowEnd, String reason) {
                refusals.add(reason);
            }
        });
        try (window; Connection b = app(postgres.target(1)); Statement onB = b.createStatement()) {
            window.open(2, Instant.now().plusSeconds(2));
            onB.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (7, 'globex', 'held up')");

            await().atMost(Duration.ofSeconds(30)).until(() -> !refusals.isEmpty());
            assertThat(refusals.get(0)).contains("not_yet").doesNotContain("\n");
            assertThat(window.problem()).contains("is not closed");
            assertThat(window.active()).isTrue();
            assertThat(logSize(postgres.target(1))).as("the write not yet on the source is kept").isEqualTo(1);
            assertThat(ended).isEmpty();
            try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
                assertThat(ReverseReplicator.observation(s, postgres.spec().name()).orElseThrow().ended()).isFalse();
                st.execute("ALTER TABLE public.moves DROP CONSTRAINT not_yet");
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> !window.active());
            assertThat(ended).containsExactly("2 {pg_b=1}");
            assertThat(postgres.sourceMoves()).containsEntry(7L, "globex/held up");
            assertThat(logSize(postgres.target(1))).isZero();
            assertThat(window.problem()).isNull();
        }
    }

    /** Inserts rows {@code from..to}, even ids on A and odd ones on B, noting each acknowledged one. */
    private static void writeRows(Connection a, Connection b, long from, long to, List<Long> acked) throws SQLException {
        for (long id = from; id <= to; id++) {
            boolean even = id % 2 == 0;
            try (Statement st = (even ? a : b).createStatement()) {
                st.executeUpdate("INSERT INTO public.moves (id, tenant_id, note) VALUES (" + id + ", '"
                        + (even ? "acme" : "globex") + "', 'n" + id + "')");
            }
            acked.add(id);
        }
    }


    private static long logSize(DevPostgres target) throws SQLException {
        try (Connection t = target.connect("app"); Statement st = t.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ReverseLog.LOG_TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
