package io.shardshift.cutover;

import io.shardshift.testkit.FollowingWriteLoad;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.SourceFreeze;
import io.shardshift.testkit.AckedWrites;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.RowCompare;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The cutover controller's spec-driven parts on the real stack (source PostgreSQL, two targets, Kafka), in
 * order: the SLO gate holds a cutover back; {@code cutover.auto} cuts over by itself; writes made to the new
 * layout reach the source while the observation window is open, and a rollback then loses nothing; a
 * rollback after the window is refused; a tenant-scoped reject trigger stops only the moved tenants.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReverseReplicationIT {
    static DemoStack stack;
    static MigrationSpec spec;
    static MigrationRunner runner;
    static ConfigFollower follower;
    static AuditTrail audit;
    static Path dir;
    static CutoverController autoController;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        stack = DemoStack.start();
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 10_000);
        }
        dir = Files.createTempDirectory("reverse-it");
        spec = SpecLoader.parse(stack.specYaml("reverse", 200) + """
                cutover:
                  auto: true
                  maxLagMillis: 5000
                  stableFor: 1s
                  gateTimeout: 60s
                  observationWindow: 10m
                  verify: false
                """, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        runner = MigrationRunner.start(spec, dir.resolve("state"));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        audit = AuditTrail.toFile(dir.resolve("audit.jsonl"));
        ConfigPublisher.create(spec.kafka().bootstrapServers(), ConfigKeys.topic(spec.topicPrefix()), (short) 1,
                Duration.ofSeconds(10)).close();
        follower = ConfigFollower.start(spec.kafka().bootstrapServers(), ConfigKeys.topic(spec.topicPrefix()), Map.of());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {autoController, follower, audit, runner, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing everything anyway
            }
        }
    }

    private static CutoverOptions fast() {
        return CutoverOptions.from(spec.cutoverOrDefaults()).withGateTimeout(Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void shouldAbortAtTheGatesWithTheOldLayoutLiveWhenTheSloProbeIsTooSlow() throws Exception {
        SloProbe probe = SloProbe.forRunner(runner, 20);
        CutoverOptions options = fast().withGateTimeout(Duration.ofSeconds(5)).withGates(List.of(probe.gate(0.001, 0.01)));
        try (CutoverController controller = CutoverController.forRunner(runner, audit, options)) {
            CutoverResult result = controller.cutover();

            assertThat(result.completed()).isFalse();
            assertThat(result.failedStep()).isEqualTo(SwitchStep.GATES);
            assertThat(result.gates()).anySatisfy(g -> {
                assertThat(g.gate()).isEqualTo("slo");
                assertThat(g.passed()).isFalse();
                assertThat(g.detail()).containsPattern("worst p95 on pg_[ab]");
            });
            assertThat(controller.liveGeneration()).isEqualTo(1);
            assertThat(follower.awaitGeneration(1, Duration.ofSeconds(10))).isTrue();
            assertThat(follower.writesFrozen()).isFalse();
        }
        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            assertThat(st.executeUpdate("UPDATE public.orders SET note = 'after slo abort' WHERE id = 1")).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void shouldCutOverByItselfWhenAutoIsOn() throws Exception {
        autoController = CutoverService.attach(runner, audit);

        await().atMost(Duration.ofSeconds(80)).until(() -> autoController.lastResult().map(CutoverResult::completed).orElse(false));

        assertThat(autoController.liveGeneration()).isEqualTo(2);
        assertThat(follower.awaitGeneration(2, Duration.ofSeconds(10))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !autoController.autoCutoverRunning());
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("\"step\":\"done\"", "\"step\":\"observation-started\"");
        assertThat(autoController.observation().active()).isTrue();
    }

    @Test
    @Order(3)
    void shouldKeepTheSourceCurrentDuringTheWindowAndLoseNothingAtRollback() throws Exception {
        TableSchema table = runner.tables().get(0);
        try (FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 3, 150, 4_000_000_000_000L).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("pg_a") > 60 && load.ackedOn("pg_b") > 60);
            load.stop();
            assertThat(load.ackedOn("source")).isZero();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(problemsOnSource(load)).isEmpty();
                assertThat(compare(table).clean()).isTrue();
            });
            assertThat(autoController.observation().reverseLag()).isZero();
        }
        try (FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 3, 150, 5_000_000_000_000L).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("pg_a") + load.ackedOn("pg_b") > 60);

            CutoverResult result = autoController.rollback("test");

            assertThat(result.completed()).as("rollback: %s", result).isTrue();
            assertThat(follower.awaitGeneration(1, Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("source") > 30);
            load.stop();
            assertThat(problemsOnSource(load)).isEmpty();
        }
        var pgA = spec.target("pg_a");
        try (Connection c = java.sql.DriverManager.getConnection(pgA.jdbcUrl(), pgA.user(), pgA.password());
             Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE public.orders SET note = 'late write' WHERE id = (SELECT min(id) FROM public.orders)"))
                    .as("an application write to a target after the rollback")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(SourceFreeze.MOVED_SQLSTATE));
        }
        try (Connection c = appWriter(pgA.jdbcUrl(), stack.targets().get(0).connect(DemoStack.DATABASE), "public.orders");
             Statement st = c.createStatement()) {
            assertRejected(st, "UPDATE public.orders SET note = 'posing as the sink' WHERE id = (SELECT min(id) FROM public.orders)");
        }
        Drain.await(runner.lag(), Duration.ofSeconds(40));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(compare(table).clean()).isTrue());
        autoController.close();
        autoController = null;
        try (CutoverController restarted = CutoverService.attach(runner, audit)) {
            assertThat(restarted.liveGeneration()).isEqualTo(1);
            assertThat(restarted.autoCutoverRunning()).as("auto cutover again after a restart that follows a rollback")
                    .isFalse();
        }
    }

    @Test
    @Order(4)
    void shouldRefuseARollbackAfterTheObservationWindow() throws Exception {
        CutoverOptions options = fast().withObservationWindow(Duration.ofSeconds(3));
        try (CutoverController controller = CutoverController.forRunner(runner, audit, options)) {
            assertThat(controller.cutover().completed()).isTrue();
            assertThat(controller.observation().active()).isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> !controller.observation().active());
            CutoverResult rollback = controller.rollback("too late");

            assertThat(rollback.completed()).isFalse();
            assertThat(rollback.failedStep()).isEqualTo(SwitchStep.PRECHECK);
            assertThat(rollback.reason()).contains("observation window");
            assertThat(controller.liveGeneration()).isEqualTo(2);
            assertThat(follower.currentGeneration()).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("\"step\":\"observation-ended\"");
            assertThat(Files.readString(dir.resolve("audit.jsonl"))).as("unique indexes made unique at the cutover")
                    .containsPattern("\"unique\":true}[^\n]*\"step\":\"unique-indexes\"");
        }
        try (Connection a = stack.targets().get(0).connect(DemoStack.DATABASE); Statement st = a.createStatement()) {
            st.executeUpdate("UPDATE public.orders SET note = 'after the window' WHERE id = (SELECT min(id) FROM public.orders)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ReverseLog.LOG_TABLE)) {
                rs.next();
                assertThat(rs.getLong(1)).as("writes logged after the window").isZero();
            }
        }
    }

    @Test
    @Order(5)
    void shouldRejectOnlyTheMovedTenantsWritesOnTheSourceInATenantScopedCutover() throws Exception {
        TableId notes = TableId.parse("public.tenant_notes");
        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            st.execute("CREATE TABLE public.tenant_notes (id bigint PRIMARY KEY, tenant_id text NOT NULL, note text)");
            st.execute("INSERT INTO public.tenant_notes VALUES (1, 'acme', 'a'), (2, 'initech', 'i'), (3, 'globex', 'g'),"
                    + " (4, 'o''hara\\', 'o')");
        }
        try (SourceFreeze freeze = SourceFreeze.acquire(stack.source().jdbcUrl(DemoStack.DATABASE), stack.source().user(),
                stack.source().password(), List.of(notes), Duration.ofSeconds(5))) {
            freeze.rejectWritesFromNowOn(3, Map.of(notes, "tenant_id"), List.of("acme", "globex", "o'hara\\"));
            freeze.commit();
        }
        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            assertRejected(st, "INSERT INTO public.tenant_notes VALUES (10, 'acme', 'new')");
            assertRejected(st, "UPDATE public.tenant_notes SET note = 'x' WHERE id = 3");
            assertRejected(st, "DELETE FROM public.tenant_notes WHERE id = 1");
            assertRejected(st, "UPDATE public.tenant_notes SET tenant_id = 'acme' WHERE id = 2");
            assertRejected(st, "UPDATE public.tenant_notes SET note = 'x' WHERE id = 4");
            assertRejected(st, "INSERT INTO public.tenant_notes VALUES (13, 'o''hara\\', 'new')");

            assertThat(st.executeUpdate("INSERT INTO public.tenant_notes VALUES (11, 'initech', 'new')")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE public.tenant_notes SET note = 'still here' WHERE id = 2")).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM public.tenant_notes WHERE id = 11")).isEqualTo(1);

            src.setAutoCommit(false);
            st.execute("SET LOCAL shardshift.replica = on");
            assertThat(st.executeUpdate("INSERT INTO public.tenant_notes VALUES (12, 'acme', 'copied back')")).isEqualTo(1);
            src.commit();
        }
        try (Connection app = appWriter(stack.source().jdbcUrl(DemoStack.DATABASE), stack.source().connect(DemoStack.DATABASE),
                "public.tenant_notes"); Statement st = app.createStatement()) {
            app.setAutoCommit(false);
            st.execute("SET LOCAL shardshift.replica = on");
            assertRejected(st, "INSERT INTO public.tenant_notes VALUES (14, 'acme', 'posing as the migrator')");
            app.rollback();
        }
    }

    /**
     * A connection as an application's own login user (not a member of shardshift_replica) that names itself
     * like Shardshift's sink; {@code admin} (closed here) creates it and grants it writes on {@code table}.
     */
    private static Connection appWriter(String jdbcUrl, Connection admin, String table) throws SQLException {
        try (admin; Statement st = admin.createStatement()) {
            st.execute("DO $$ BEGIN CREATE ROLE app_writer LOGIN PASSWORD 'app-writer'; "
                    + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO app_writer");
        }
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "app_writer");
        p.setProperty("password", "app-writer");
        p.setProperty("ApplicationName", "shardshift-sink");
        return java.sql.DriverManager.getConnection(jdbcUrl, p);
    }

    private static void assertRejected(Statement st, String sql) {
        assertThatThrownBy(() -> st.executeUpdate(sql)).as(sql).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(SourceFreeze.MOVED_SQLSTATE));
    }

    private static List<String> problemsOnSource(FollowingWriteLoad load) throws SQLException {
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            return AckedWrites.problems(load, Map.of("source", src), null);
        }
    }

    /** Source rows against the target rows of the spec's layout. */
    private static CompareReport compare(TableSchema table) throws SQLException {
        Map<String, Connection> targets = new HashMap<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            targets.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
            targets.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
            return RowCompare.compare(src, targets, table, spec.shardKeyOf(table.id()), spec.routing());
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }
}
