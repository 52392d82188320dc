package io.shardshift.tools.bench;

import io.shardshift.testkit.FollowingWriteLoad;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.CutoverOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.engine.lag.AppliedWatermark;
import io.shardshift.engine.lag.DrainTimings;
import io.shardshift.engine.run.MigrationRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints the write pause as a writer sees it (its longest single write, waits included) over N cutovers
 * under load (each followed by a rollback), p50 and p99, on the embedded stack. Goal: p99 under 1 s.
 * Also prints where the controller's pause went, step by step (from the audit trail's timestamps and the
 * drain's own timings), and how long a writer's config follower took to see the freeze and the unfreeze.
 * The load runs {@link #WARM_UP} before the first cutover; the gates are the defaults but a shorter stable
 * period (lag under 1 s for 0.5 s).
 * Run: {@code java -cp ... io.shardshift.tools.bench.WritePauseBench [cutovers=20] [writesPerSecond=400]}.
 */
public final class WritePauseBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Steps of a cutover, each ending at the audit entry of that name (the first starts at gates-passed). */
    private static final List<String> STEPS = List.of("freeze", "fence", "drained", "commit", "flip", "done");
    /** Load before the first cutover, so capture and apply run warm as in a migration that has been live a while. */
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    private WritePauseBench() {
    }

    public static void main(String[] args) throws Exception {
        int cutovers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 400;
        System.out.println("load average at start: " + loadAverage());
        try (DemoStack stack = DemoStack.start()) {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(c, 20_000);
            }
            MigrationSpec spec = stack.spec("pausebench", 500);
            Path dir = Files.createTempDirectory("pause-bench");
            try (MigrationRunner runner = MigrationRunner.start(spec, dir.resolve("state"));
                 AuditTrail audit = AuditTrail.toFileAndTopic(dir.resolve("audit.jsonl"), spec.kafka().bootstrapServers(),
                         AuditTrail.topicOf(spec.topicPrefix()))) {
                runner.awaitBackfill(Duration.ofMinutes(5));
                System.out.printf("one audit append (file forced + topic acknowledged): %d ms on average%n",
                        auditAppendMillis(audit));
                CutoverOptions options = CutoverOptions.defaults().withStableFor(Duration.ofMillis(500));
                try (CutoverController controller = CutoverController.forRunner(runner, audit, options);
                     ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(),
                             ConfigKeys.topic(spec.topicPrefix()), Map.of());
                     FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 4, rate, 1_000_000_000_000L);
                     FreezeWatcher watcher = new FreezeWatcher(follower)) {
                    if (!follower.awaitCaughtUp(Duration.ofSeconds(30)) || !follower.awaitGeneration(1, Duration.ofSeconds(30))) {
                        throw new IllegalStateException("the config topic has no live generation");
                    }
                    load.start();
                    watcher.start();
                    Thread.sleep(WARM_UP.toMillis());
                    run(cutovers, rate, controller, load, watcher, runner.lag().watermark(), audit.file());
                    load.stop();
                }
            }
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private static void run(int cutovers, double rate, CutoverController controller, FollowingWriteLoad load,
                            FreezeWatcher watcher, AppliedWatermark watermark, Path auditFile) throws Exception {
        List<Long> seen = new ArrayList<>();
        List<Long> controllerPause = new ArrayList<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        for (int i = 0; i < cutovers; i++) {
            Thread.sleep(1000);
            load.maxWriteMillisAndReset();
            CutoverResult r = controller.cutover();
            if (!load.awaitWritesStartedBefore(System.nanoTime(), Duration.ofSeconds(30))) {
                throw new IllegalStateException("a write held up by the cutover has not finished after 30 s");
            }
            long writerPause = load.maxWriteMillisAndReset();
            load.ok();
            Map<String, Long> breakdown = new LinkedHashMap<>(auditSteps(auditFile, r.id()));
            DrainTimings d = watermark.lastDrain().orElse(null);
            if (d != null && r.completed()) {
                breakdown.put("drain.marker", d.markerMillis());
                breakdown.put("drain.capture", d.captureMillis());
                breakdown.put("drain.endOffsets", d.endOffsetsMillis());
                breakdown.put("drain.applyCommit", d.applyMillis());
            }
            breakdown.put("followerSawFreeze", watcher.latency(r.id(), true));
            breakdown.put("followerSawUnfreeze", watcher.latency(r.id(), false));
            System.out.printf("cutover %d: %s, writer pause %d ms, controller freeze-to-unfreeze %d ms; %s%n",
                    i + 1, r.outcome(), writerPause, r.pauseMillis(), breakdown);
            if (r.completed()) {
                seen.add(writerPause);
                controllerPause.add(r.pauseMillis());
                breakdown.forEach((k, v) -> steps.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            } else {
                System.out.println("  aborted at " + r.failedStep() + ": " + r.reason());
            }
            CutoverResult back = controller.rollback("bench");
            if (!back.completed()) {
                throw new IllegalStateException("rollback failed: " + back.reason());
            }
        }
        System.out.println("step breakdown over completed cutovers (p50 / p99 / max ms; each step's time is from the"
                + " previous audit entry to its own: freeze = gates-passed entry, source connection and reverse-log"
                + " triggers (before the pause), publish freeze and lock; fence = fence LSN; drained = drain;"
                + " flip = reject trigger, generation, alias, commit; done = publish unfreeze):");
        steps.forEach((k, v) -> System.out.printf("  %-20s %5d / %5d / %5d%n", k, pct(v, 50), pct(v, 99),
                Collections.max(v)));
        System.out.printf("write pause over %d cutovers at %.0f writes/s: writer p50 %d ms, p99 %d ms; "
                        + "controller p50 %d ms, p99 %d ms (goal p99 < 1000 ms); load average %s%n", seen.size(), rate,
                pct(seen, 50), pct(seen, 99), pct(controllerPause, 50), pct(controllerPause, 99), loadAverage());
    }

    /**
     * Milliseconds of each step of one cutover, from the audit entries' timestamps (or {@code details.at}, the
     * time the step happened, when a controller writes its entries after the unfreeze).
     */
    private static Map<String, Long> auditSteps(Path auditFile, String id) throws IOException {
        Map<String, Instant> at = new LinkedHashMap<>();
        for (String line : Files.readAllLines(auditFile)) {
            JsonNode e = JSON.readTree(line);
            if (id.equals(e.path("details").path("id").asText())) {
                String when = e.path("details").path("at").asText(e.path("time").asText());
                at.put(e.path("step").asText(), Instant.parse(when));
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        Instant previous = at.get("gates-passed");
        for (String step : STEPS) {
            Instant t = at.get(step);
            if (previous != null && t != null) {
                out.put(step, Duration.between(previous, t).toMillis());
            }
            previous = t;
        }
        return out;
    }

    private static long auditAppendMillis(AuditTrail audit) {
        int n = 20;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            audit.append("bench", "probe", Map.of("n", i));
        }
        return (System.nanoTime() - start) / 1_000_000 / n;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Watches a follower for freeze and unfreeze, and records how long after the controller stamped the
     * value ({@code atMillis}) the follower showed it, per cutover id.
     */
    private static final class FreezeWatcher implements AutoCloseable {
        private final ConfigFollower follower;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, Long> freezeSeen = new ConcurrentHashMap<>();
        private final Map<String, Long> unfreezeSeen = new ConcurrentHashMap<>();
        private final Thread thread = new Thread(this::watch, "freeze-watcher");

        FreezeWatcher(ConfigFollower follower) {
            this.follower = follower;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void watch() {
            boolean frozen = follower.writesFrozen();
            while (running.get()) {
                boolean now = follower.writesFrozen();
                if (now != frozen) {
                    long seenAt = System.currentTimeMillis();
                    frozen = now;
                    follower.value(ConfigKeys.WRITES_FROZEN).ifPresent(v -> (v.path("frozen").asBoolean() ? freezeSeen
                            : unfreezeSeen).put(v.path("reason").asText(), seenAt - v.path("atMillis").asLong(seenAt)));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }

        long latency(String id, boolean freeze) {
            return (freeze ? freezeSeen : unfreezeSeen).getOrDefault(id, -1L);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(1000);
        }
    }
}
