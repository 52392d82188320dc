package io.shardshift.migrator.cutover;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.audit.AuditTrail;
import io.shardshift.migrator.demo.DemoSource;
import io.shardshift.migrator.demo.DemoStack;
import io.shardshift.migrator.run.MigrationRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Prints the write pause as a writer sees it (its longest single write, waits included) over N cutovers
 * under load (each followed by a rollback), p50 and p99, on the embedded stack. Goal: p99 under 1 s.
 * Run: {@code java -cp ... io.shardshift.migrator.cutover.WritePauseBench [cutovers=20] [writesPerSecond=400]}.
 */
public final class WritePauseBench {
    private WritePauseBench() {
    }

    public static void main(String[] args) throws Exception {
        int cutovers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 400;
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
                CutoverOptions options = CutoverOptions.defaults().withMaxLagMillis(5_000).withStableFor(Duration.ofMillis(500));
                try (CutoverController controller = CutoverController.forRunner(runner, audit, options);
                     ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(),
                             ConfigKeys.topic(spec.topicPrefix()), Map.of());
                     FollowingWriteLoad load = new FollowingWriteLoad(spec, follower, 4, rate, 1_000_000_000_000L)) {
                    if (!follower.awaitCaughtUp(Duration.ofSeconds(30)) || !follower.awaitGeneration(1, Duration.ofSeconds(30))) {
                        throw new IllegalStateException("the config topic has no live generation");
                    }
                    load.start();
                    List<Long> seen = new ArrayList<>();
                    List<Long> controllerPause = new ArrayList<>();
                    for (int i = 0; i < cutovers; i++) {
                        Thread.sleep(1000);
                        load.maxWriteMillisAndReset();
                        CutoverResult r = controller.cutover();
                        Thread.sleep(300);
                        long writerPause = load.maxWriteMillisAndReset();
                        load.ok();
                        System.out.printf("cutover %d: %s, writer pause %d ms, controller freeze-to-unfreeze %d ms%n",
                                i + 1, r.outcome(), writerPause, r.pauseMillis());
                        if (r.completed()) {
                            seen.add(writerPause);
                            controllerPause.add(r.pauseMillis());
                        }
                        CutoverResult back = controller.rollback("bench");
                        if (!back.completed()) {
                            throw new IllegalStateException("rollback failed: " + back.reason());
                        }
                    }
                    load.stop();
                    System.out.printf("write pause over %d cutovers at %.0f writes/s: writer p50 %d ms, p99 %d ms; "
                                    + "controller p50 %d ms, p99 %d ms (goal p99 < 1000 ms)%n", seen.size(), rate,
                            pct(seen, 50), pct(seen, 99), pct(controllerPause, 50), pct(controllerPause, 99));
                }
            }
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
}
