package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.ChildJvm;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The migrator killed with SIGKILL in the middle of streaming (a child JVM running {@code shardshift
 * migrate}, no clean shutdown), writes going on while it is down, then restarted: once writes stop and
 * lag is zero, the targets hold exactly the source rows, each in its layout's target.
 */
@Tag("slow")
@Timeout(value = 7, unit = TimeUnit.MINUTES)
class MigrationCrashRestartIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 100_000);

    @Test
    void shouldConvergeAfterTheMigratorIsKilledMidStreamAndRestarted(@TempDir Path dir) throws Exception {
        MigrationSpec spec = demo.stack().spec("crash", 500);
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, demo.stack().specYaml("crash", 500));
        Path state = dir.resolve("state");
        Path log = dir.resolve("migrator.log");
        try (WriteLoad load = demo.fixture().startLoad(4, 400)) {
            Process migrator = startMigrator(specFile, state, log);
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Files.readString(log).contains("streaming:"));
                long before = load.total();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > before + 1_500);
            } finally {
                migrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(migrator.exitValue()).as("killed, not a clean exit").isNotZero();
            long atKill = load.total();
            await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > atKill + 1_000);

            try (MigrationRunner restarted = MigrationRunner.start(spec, state)) {
                assertThat(restarted.slot().created()).as("the slot survives the crash").isFalse();
                assertThat(restarted.awaitBackfill(Duration.ofMinutes(2))).isTrue();
                long afterRestart = load.total();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > afterRestart + 1_000);
                load.stop();
                Drain.await(restarted.lag(), Duration.ofMinutes(2));

                CompareReport report = Compare.orders(demo.stack(), spec, restarted.tables().get(0));
                assertThat(report.mismatches()).isEmpty();
                assertThat(report.clean()).isTrue();
                assertThat(report.sourceRows()).isGreaterThan(90_000);
            }
        }
    }

    private static Process startMigrator(Path spec, Path state, Path log) throws Exception {
        List<String> cmd = ChildJvm.command(List.of("-Xmx1g"), ShardshiftCli.class,
                List.of("migrate", "--spec=" + spec, "--state-dir=" + state, "--status-every=PT1S", "--http-port=0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password());
        pb.environment().put("CI", "true");
        return pb.start();
    }
}
