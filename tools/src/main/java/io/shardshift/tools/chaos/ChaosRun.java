package io.shardshift.tools.chaos;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.cutover.ConfigPublisher;
import io.shardshift.testkit.FollowingWriteLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One run of a scenario: a fresh migration (its own databases, topics, slot and collection) to two PostgreSQL
 * targets and a Solr collection, run by a migrator process of its own, under writers that follow the config topic;
 * the fault ({@link Faults}) while streaming or in the cutover or rollback; a cutover (and for the rollback kill
 * points, a rollback); then, once the writers stopped and the migrator drained, the {@link RunChecks}.
 */
final class ChaosRun {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

    private final ChaosStack stack;
    private final ChaosSettings settings;
    private final Path workDir;

    ChaosRun(ChaosStack stack, ChaosSettings settings, Path workDir) {
        this.stack = stack;
        this.settings = settings;
        this.workDir = workDir;
    }

    /**
     * @param id    unique in the suite: names the run's databases, migration and collection
     * @param point where the kill scenario kills ({@code null} for the other scenarios)
     */
    RunOutcome run(Scenario scenario, int runNo, int id, KillPoint point, Random random) throws Exception {
        String db = "chaos" + id;
        String name = "chaos_" + id;
        String collection = "orders_c" + id;
        Path dir = Files.createDirectories(workDir.resolve(name));
        stack.createRun(db, settings.rows());
        Map<String, String> env = Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password());
        Path specFile = Files.writeString(dir.resolve("spec.yaml"), stack.specYaml(name, db, collection, true));
        MigrationSpec spec = SpecLoader.parse(stack.specYaml(name, db, collection, false), env);
        List<String> problems = new ArrayList<>();
        Faults faults = new Faults(stack, settings, random);
        String topic = ConfigKeys.topic(spec.topicPrefix());
        ConfigPublisher.create(spec.kafka().bootstrapServers(), topic, (short) 1, Duration.ofSeconds(30)).close();
        try (ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(), topic, Map.of());
             FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, settings.writers(), settings.rate(),
                     1_000_000_000_000L).resilient(settings.writerPatience());
             Migrator migrator = new Migrator(name, specFile, dir.resolve("state"), dir.resolve("migrator.log"),
                     stack.source().password(), problems)) {
            follower.awaitCaughtUp(Duration.ofSeconds(30));
            boolean hold = scenario == Scenario.HUNG_HOST;
            migrator.start(hold ? "cutover:freeze" : point == null ? null : point.hook(), hold);
            require(follower.awaitGeneration(1, Duration.ofMinutes(2)), "the migrator published no layout in 2 min");
            load.start();
            long faultEnd = 0;
            if (point != null && point.phase().equals("backfill")) {
                faultEnd = faults.killDuringBackfill(migrator);
            }
            require(migrator.awaitPhase("streaming", Duration.ofMinutes(5)), "the backfill did not finish in 5 min");
            TargetRestore restore = scenario == Scenario.TARGET_RESTORE ? new TargetRestore(stack, db) : null;
            if (restore != null) {
                restore.backup();
            }
            Thread.sleep(settings.streamSeconds() * 1_000L);
            if (point != null && point.phase().equals("streaming")) {
                faultEnd = faults.killWhileStreaming(migrator);
            } else if (restore != null) {
                faultEnd = restore.restore(migrator);
            } else if (point == null && scenario != Scenario.HUNG_HOST) {
                faultEnd = faults.whileStreaming(scenario, migrator);
            }
            // a restore's RTO is the restored target's own lag (pg_a); the other scenarios wait for every target
            long recovery = faultEnd == 0 ? -1
                    : migrator.awaitLagUnderOneSecond(restore != null ? "pg_a" : null, faultEnd, RECOVERY_TIMEOUT);
            if (faultEnd != 0 && recovery < 0) {
                problems.add("apply lag did not get back under 1 s within " + RECOVERY_TIMEOUT.toMinutes() + " min of the fault");
            }
            String restored = null;
            if (restore != null) {
                restore.repair(spec, problems);
                restored = restore.describe(faultEnd);
            }
            Thread.sleep(settings.streamSeconds() * 1_000L);
            Switches switches = new Switches(migrator, faults, problems);
            long end = switches.cutover(point, hold);
            if (scenario == Scenario.SOURCE_RESTART) {
                Thread.sleep(settings.streamSeconds() * 1_000L);
                end = faults.restartSource();
            }
            if (point != null && point.rollback()) {
                Thread.sleep(settings.streamSeconds() * 1_000L);
                end = switches.rollback(point);
            }
            if (end != 0) {
                faultEnd = end;
                recovery = migrator.awaitLagUnderOneSecond(faultEnd, RECOVERY_TIMEOUT);
                if (recovery < 0) {
                    problems.add("apply lag did not get back under 1 s within " + RECOVERY_TIMEOUT.toMinutes() + " min of the fault");
                }
            }
            Thread.sleep(settings.streamSeconds() * 1_000L);
            stopWriters(load, problems);
            long maxPause = load.maxWriteMillisAndReset();
            if (!migrator.awaitDrained(DRAIN_TIMEOUT)) {
                problems.add("the migrator did not drain within " + DRAIN_TIMEOUT.toMinutes() + " min");
            }
            long live = migrator.process().liveGeneration();
            long expected = point != null && point.rollback() ? 1 : 2;
            if (live != expected) {
                problems.add("generation " + live + " is live, expected " + expected);
            }
            RunChecks.Found found = new RunChecks(stack, spec, db, Duration.ofSeconds(60))
                    .run(load, live, dir.resolve("state").resolve("audit.log"));
            problems.addAll(found.problems());
            String fault = point != null ? "kill -9 " + point : restored != null ? restored : faults.describe(scenario);
            return new RunOutcome(scenario.wireName(), runNo, fault, restore != null ? 1 : faults.count(), found.acked(),
                    found.lost(), found.duplicated(), found.mismatches(), recovery, maxPause, List.copyOf(problems),
                    restore != null ? restore.lostRows() : -1);
        } finally {
            stack.dropRun(db, collection);
        }
    }

    private static void stopWriters(FollowingWriteLoad load, List<String> problems) {
        try {
            load.stop();
        } catch (RuntimeException e) {
            problems.add("a writer failed: " + e.getMessage());
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException(problem);
        }
    }
}
