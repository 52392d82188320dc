package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.cutover.internal.ObservationWindow;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.RollbackRelease;
import io.shardshift.cutover.internal.SourceFreeze;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rollback on real PostgreSQL (a source and two targets; config topic recorded) whose process dies between the
 * source commit and the targets' release: the source keeps the rollback's mark, an application write that got into
 * a target meanwhile is not lost, and finishing the release (as the reconcile at the next start does) leaves the
 * targets rejecting application writes with their fences lowered, the source holding every write, and no mark.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RollbackCrashIT {
    @RegisterExtension
    static final PostgresSourceAndTargets postgres = new PostgresSourceAndTargets("crash", "public.moves", 2);
    static final TableSchema MOVES = PostgresSourceAndTargets.MOVES;

    /** The process dies when the rollback releases its targets: its target sessions end, rolled back. */
    static final class Died extends Error {
        Died() {
            super("died before releasing the targets");
        }
    }

    @BeforeAll
    static void createTables() throws Exception {
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.execute(PostgresSourceAndTargets.MOVES_ON_SOURCE);
            st.execute("INSERT INTO public.moves VALUES (1, 'acme', 'one'), (2, 'globex', 'two')");
            ReverseReplicator.prepareSource(s);
            s.setAutoCommit(false);
            ReverseReplicator.begin(s, postgres.spec().name(), List.of("pg_a", "pg_b"), 2, Instant.now().plusSeconds(3600));
            DevPostgres source = postgres.source();
            try (SourceFreeze freeze = SourceFreeze.acquire(source.jdbcUrl("app"), source.user(), source.password(),
                    List.of(MOVES.id()), Duration.ofSeconds(10))) {
                freeze.rejectWritesFromNowOn(2);
                freeze.commit();
            }
            s.commit();
        }
        postgres.executeOnTargets(PostgresSourceAndTargets.MOVES_ON_TARGET);
        insertOn(postgres.target(0), "INSERT INTO public.moves (id, tenant_id, note, _ss_lsn) VALUES (1, 'acme', 'one', 10)");
        insertOn(postgres.target(1), "INSERT INTO public.moves (id, tenant_id, note, _ss_lsn) VALUES (2, 'globex', 'two', 10)");
        for (String name : postgres.targetNames()) {
            ReverseLog.prepare(postgres.spec().target(name), List.of(MOVES));
            ReverseLog.start(postgres.spec().target(name), List.of(MOVES));
        }
    }

    private static void insertOn(DevPostgres pg, String sql) throws SQLException {
        try (Connection c = PostgresSourceAndTargets.application(pg);
             Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    @Test
    void shouldLoseNoWriteAndReleaseTheTargetsWhenTheRollbackDiesBetweenTheSourceCommitAndTheTargets() throws Exception {
        insertOn(postgres.target(0), "UPDATE public.moves SET note = 'one v2' WHERE id = 1");
        insertOn(postgres.target(1), "INSERT INTO public.moves (id, tenant_id, note) VALUES (3, 'globex', 'three')");
        Path dir = Files.createTempDirectory("rollback-crash");
        List<String> published = new ArrayList<>();
        CutoverOptions options = CutoverOptions.defaults().withFreezeTimeout(Duration.ofSeconds(10));
        try (AuditTrail audit = AuditTrail.toFile(dir.resolve("audit.jsonl"));
             ObservationWindow observation = new ObservationWindow(postgres.spec(), List.of(MOVES), new ReentrantLock(),
                     new ObservationWindow.Listener() {
                         @Override
                         public void ended(long generation, Instant end, Map<String, Long> copied) {
                         }

                         @Override
                         public void refused(long generation, Instant end, String reason) {
                         }
                     })) {
            LiveSwitchEffects live = new LiveSwitchEffects(postgres.spec(), List.of(MOVES), (lsn, timeout) -> { }, null, audit,
                    options, observation);
            LayoutSwitch rollback = new LayoutSwitch(List.of(MOVES.id()), options.observationWindow(),
                    () -> new DiesAtRelease(live, published), Retry.ONCE);

            assertThatThrownBy(() -> rollback.rollback("rollback-1", 2, 1, (from, to) -> { })).isInstanceOf(Died.class);
        }

        long fence;
        try (Connection s = postgres.source().connect("app")) {
            fence = ReverseReplicator.pendingRelease(s, postgres.spec().name()).orElseThrow().fence();
            assertThat(SourceFreeze.rejectsWrites(s, List.of(MOVES.id()))).as("the source committed the rollback").isFalse();
        }
        insertOn(postgres.target(1), "UPDATE public.moves SET note = 'three v2, blocked on the lock' WHERE id = 3");

        RollbackRelease.finish(postgres.spec(), List.of(MOVES), fence, 1, Duration.ofSeconds(10));
        RollbackRelease.finish(postgres.spec(), List.of(MOVES), fence, 1, Duration.ofSeconds(10));

        assertThat(postgres.sourceMoves()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "acme/one v2", 2L, "globex/two",
                3L, "globex/three v2, blocked on the lock"));
        try (Connection s = postgres.source().connect("app")) {
            assertThat(ReverseReplicator.pendingRelease(s, postgres.spec().name())).isEmpty();
        }
        for (DevPostgres pg : List.of(postgres.target(0), postgres.target(1))) {
            assertThat(ReverseLog.logging(postgres.spec().target(pg == postgres.target(0) ? "pg_a" : "pg_b"), List.of(MOVES)))
                    .isFalse();
            assertThatThrownBy(() -> insertOn(pg, "UPDATE public.moves SET note = 'late' WHERE id IN (1, 3)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55000"));
            try (Connection c = pg.connect("app"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT max(_ss_lsn) FROM public.moves")) {
                rs.next();
                assertThat(rs.getLong(1)).as("fences lowered to the rollback's").isLessThanOrEqualTo(fence);
            }
        }
    }

    /** The real effects until the targets' release, where the process dies (its target sessions roll back). */
    static final class DiesAtRelease extends RecordedConfigTopic {
        DiesAtRelease(SwitchEffects real, List<String> published) {
            super(real, published);
        }

        @Override
        public void releaseTargets(long fence, long to) {
            real().releaseTargetsAfterAbort();
            throw new Died();
        }
    }

}
