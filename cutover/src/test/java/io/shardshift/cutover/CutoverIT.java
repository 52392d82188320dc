package io.shardshift.cutover;

import io.shardshift.testkit.FollowingWriteLoad;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.audit.AuditVerifier;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.AckedWrites;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cutover on the real stack (source PostgreSQL, two target PostgreSQL, Kafka) under a write load of
 * writers that follow the config topic. The steps build on each other: a forced drain timeout aborts,
 * then a cutover completes, then a rollback makes the source live again; the audit chain of it all
 * verifies and a tampered copy does not. Each test runs alone too: a step a test builds on
 * ({@link #abortOnDrainTimeout()}, {@link #cutOverUnderLoad()}) runs, with its assertions, in whichever
 * test needs it first, and only once per class.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverIT {
    static DemoStack stack;
    static MigrationSpec spec;
    static MigrationRunner runner;
    static ConfigFollower follower;
    static AuditTrail audit;
    static Path dir;
    /** The writes acknowledged around the cutover, once {@link #cutOverUnderLoad()} has run. */
    static Map<Long, FollowingWriteLoad.Acked> ackedAroundCutover;
    static boolean aborted;

    @BeforeAll
    static void start() throws Exception {
        stack = DemoStack.start();
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 20_000);
        }
        dir = Files.createTempDirectory("cutover-it");
        spec = stack.spec("cutover", 200);
        runner = MigrationRunner.start(spec, dir.resolve("state"));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        audit = AuditTrail.toFileAndTopic(dir.resolve("audit.jsonl"), spec.kafka().bootstrapServers(),
                AuditTrail.topicOf(spec.topicPrefix()));
        ConfigPublisher.create(spec.kafka().bootstrapServers(), ConfigKeys.topic(spec.topicPrefix()), (short) 1,
                Duration.ofSeconds(10)).close();
        follower = ConfigFollower.start(spec.kafka().bootstrapServers(), ConfigKeys.topic(spec.topicPrefix()), Map.of());
    }

    @AfterAll
    static void stop() {
        if (follower != null) {
            follower.close();
        }
        if (audit != null) {
            audit.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static CutoverOptions fast() {
        return CutoverOptions.defaults().withMaxLagMillis(5_000).withStableFor(Duration.ofSeconds(1)).withGateTimeout(Duration.ofSeconds(60));
    }

    @Test
    @Order(1)
    void shouldAbortAndResumeWritesOnTheOldLayoutWhenDrainTimesOut() throws Exception {
        assertThat(aborted).as("no earlier test aborted a cutover").isFalse();
        abortOnDrainTimeout();
    }

    @Test
    @Order(2)
    void shouldCutOverUnderLoadWithNoAcknowledgedWriteLostOrDoubled() throws Exception {
        assertThat(ackedAroundCutover).as("no earlier test cut over").isNull();
        assertThat(cutOverUnderLoad()).isNotEmpty();
    }

    /** The aborted cutover (drain timeout) with its checks; runs once, in the first test that needs it. */
    private static synchronized void abortOnDrainTimeout() throws Exception {
        if (aborted) {
            return;
        }
        try (CutoverController controller = CutoverController.forRunner(runner, audit, fast().withDrainTimeout(Duration.ofMillis(1)));
             FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 3, 150, 1_000_000_000_000L).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("source") > 50);

            CutoverResult result = controller.cutover();

            assertThat(result.completed()).isFalse();
            assertThat(result.failedStep()).isEqualTo(SwitchStep.DRAIN);
            assertThat(controller.liveGeneration()).isEqualTo(1);
            long onSource = load.ackedOn("source");
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("source") > onSource + 50);
            assertThat(follower.writesFrozen()).isFalse();
            assertThat(follower.currentGeneration()).isEqualTo(1);
            load.stop();
            assertThat(load.ackedOn("pg_a") + load.ackedOn("pg_b")).isZero();
            assertEveryAckedRowIn(load, Map.of("source", stack.source().connect(DemoStack.DATABASE)));
        }
        aborted = true;
    }

    /**
     * The completed cutover under load with its checks; runs once, in the first test that needs it.
     *
     * @return the writes acknowledged around it, each with its last note
     */
    private static synchronized Map<Long, FollowingWriteLoad.Acked> cutOverUnderLoad() throws Exception {
        if (ackedAroundCutover != null) {
            return ackedAroundCutover;
        }
        Map<Long, FollowingWriteLoad.Acked> acked;
        try (CutoverController controller = CutoverController.forRunner(runner, audit, fast());
             FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 4, 300, 2_000_000_000_000L).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("source") > 100);

            CutoverResult result = controller.cutover();

            assertThat(result.completed()).as("cutover: %s", result).isTrue();
            assertThat(result.toGeneration()).isEqualTo(2);
            assertThat(follower.awaitGeneration(2, Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("pg_a") > 50 && load.ackedOn("pg_b") > 50);
            load.stop();
            acked = load.acked();
            assertEveryAckedRowIn(load, targets());
            try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.executeUpdate(
                        "UPDATE public.orders SET note = 'late' WHERE id = 1"))
                        .hasMessageContaining("moved to generation 2");
            }
        }
        ackedAroundCutover = acked;
        return acked;
    }

    @Test
    @Order(3)
    void shouldRollBackWithTheOldLayoutEqualToTheNewOne() throws Exception {
        Map<Long, FollowingWriteLoad.Acked> aroundCutover = cutOverUnderLoad();
        assertThat(aroundCutover).as("writes acknowledged around the cutover").isNotEmpty();
        try (CutoverController controller = CutoverController.forRunner(runner, audit, fast());
             FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 3, 150, 3_000_000_000_000L).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("pg_a") + load.ackedOn("pg_b") > 50);

            CutoverResult result = controller.rollback("test");

            assertThat(result.completed()).as("rollback: %s", result).isTrue();
            assertThat(follower.awaitGeneration(1, Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok() && load.ackedOn("source") > 50);
            load.stop();
            assertEveryAckedRowIn(load, Map.of("source", stack.source().connect(DemoStack.DATABASE)));
            assertThat(load.ackedOn("pg_a") + load.ackedOn("pg_b")).as("writes made on the new layout before rollback").isPositive();
        }
        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            for (Map.Entry<Long, FollowingWriteLoad.Acked> e : aroundCutover.entrySet()) {
                try (ResultSet rs = st.executeQuery("SELECT note FROM public.orders WHERE id = " + e.getKey())) {
                    assertThat(rs.next()).as("row %d written around the cutover is on the source", e.getKey()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(e.getValue().note());
                }
            }
        }
        Drain.await(runner.lag(), Duration.ofSeconds(60));
        Map<String, Connection> targets = targets();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            CompareReport report = RowCompare.compare(src, targets, runner.tables().get(0),
                    spec.shardKeyOf(runner.tables().get(0).id()), spec.routing());
            assertThat(report.mismatches()).isEmpty();
            assertThat(report.clean()).as("old layout (source) equals the new one: %s", report).isTrue();
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }

    @Test
    @Order(4)
    void shouldKeepAnAuditChainThatVerifiesAndRevealsTampering() throws Exception {
        abortOnDrainTimeout();
        cutOverUnderLoad();
        Path file = dir.resolve("audit.jsonl");
        AuditVerifier.Result fromFile = AuditVerifier.verifyFile(file);
        assertThat(fromFile.valid()).isTrue();
        assertThat(Files.readString(file)).contains("\"step\":\"abort\"", "\"step\":\"fence\"", "\"step\":\"flip\"",
                "\"step\":\"done\"");
        AuditVerifier.Result fromTopic = AuditVerifier.verifyTopic(spec.kafka().bootstrapServers(),
                AuditTrail.topicOf(spec.topicPrefix()), Duration.ofSeconds(20));
        assertThat(fromTopic.valid()).isTrue();
        assertThat(fromTopic.entries()).isEqualTo(fromFile.entries());

        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replaceFirst("\"actor\":\"cutover\"", "\"actor\":\"mallory\""));
        AuditVerifier.Result tampered = AuditVerifier.verifyLines(lines);
        assertThat(tampered.valid()).isFalse();
        assertThat(tampered.firstBrokenSeq()).isEqualTo(3);
    }

    private static Map<String, Connection> targets() throws Exception {
        Map<String, Connection> m = new HashMap<>();
        m.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
        m.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
        return m;
    }

    /**
     * Each acknowledged row is, with its last acknowledged note, in exactly one of the given databases: the
     * one the live layout names; no database has a row of this load that was not acknowledged.
     */
    private static void assertEveryAckedRowIn(FollowingWriteLoad load, Map<String, Connection> dbs) throws Exception {
        try {
            assertThat(load.acked()).as("acknowledged writes").isNotEmpty();
            assertThat(AckedWrites.problems(load, dbs, dbs.size() == 1 ? null : spec.routing())).isEmpty();
        } finally {
            for (Connection c : dbs.values()) {
                c.close();
            }
        }
    }
}
