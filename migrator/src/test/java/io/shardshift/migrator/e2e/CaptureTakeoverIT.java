package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.metrics.RecentLatency;
import io.shardshift.engine.metrics.RunnerSamples;
import io.shardshift.engine.run.CaptureLeases;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.Role;
import io.shardshift.engine.run.RunOptions;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.migrator.e2e.CaptureGroupTables.Writer;
import io.shardshift.testkit.ChildJvm;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two migrator processes ({@code shardshift migrate --role capture}, child JVMs) share a migration's two capture
 * groups, one each, through the lease group; this JVM runs the backfill and apply. The process holding a group
 * is killed with SIGKILL mid-stream while writes go on: the other takes its group over (once the lease and the
 * dead process's walsender are gone) and resumes it from its stored position, and at the end every source row
 * equals its target row.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CaptureTakeoverIT {
    private static final List<String> TABLES = List.of("public.ta", "public.tb", "public.tc");

    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(s -> CaptureGroupTables.create(s, TABLES));

    @Test
    void shouldTakeAKilledProcessesCaptureGroupOverWithNothingLost(@TempDir Path dir) throws Exception {
        MigrationSpec spec = CaptureGroupTables.spec(demo.stack(), "takeover", TABLES, 2);
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, CaptureGroupTables.specYaml(demo.stack(), "takeover", TABLES, 2));
        Process a = null;
        Process b = null;
        try (Writer writer = Writer.started(demo.stack(), TABLES, 3);
             Admin admin = admin();
             MigrationRunner applying = MigrationRunner.start(spec, dir.resolve("state-apply"),
                     RunOptions.all().withRoles(Set.of(Role.BACKFILL, Role.APPLY)).withInstanceId("apply"))) {
            a = startCapture(specFile, dir, "cap-a");
            b = startCapture(specFile, dir, "cap-b");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Set.copyOf(holders(admin, spec).values()).equals(Set.of("cap-a", "cap-b"))
                            && CaptureGroupTables.activeSlots(demo.stack(), spec) == 2);
            assertThat(applying.awaitBackfill(Duration.ofMinutes(1))).as("backfill finished").isTrue();
            long beforeKill = writer.ops.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> writer.ops.get() > beforeKill + 1_000);

            int killedGroup = holders(admin, spec).entrySet().stream().filter(e -> e.getValue().equals("cap-a"))
                    .findFirst().orElseThrow().getKey();
            a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long atKill = writer.ops.get();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> holders(admin, spec).equals(Map.of(0, "cap-b", 1, "cap-b")) && CaptureGroupTables.activeSlots(demo.stack(), spec) == 2);
            assertThat(Files.readString(dir.resolve("cap-b.log"))).as("cap-b's log")
                    .contains("capture group " + killedGroup + " (slot " + spec.slotName(killedGroup)
                            + ") of migration takeover now runs in this process");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).alias("cap-b's status line")
                    .until(() -> Files.readString(dir.resolve("cap-b.log")).contains("capture groups here [0, 1] of 2"));
            await().atMost(Duration.ofMinutes(1)).until(() -> writer.ops.get() > atKill + 1_000);
            writer.close();
            assertThat(writer.failure.get()).as("writer failure").isNull();

            Drain.await(applying.lag(), Duration.ofMinutes(2));
            CaptureGroupTables.assertEveryRowEqual(demo.stack(), spec, applying.tables());
            try (RunnerSamples samples = new RunnerSamples(applying, new RecentLatency())) {
                assertThat(samples.sample().captureGroups()).as("the status of the process that runs no capture")
                        .allSatisfy(g -> {
                            assertThat(g.holder()).isEqualTo("cap-b");
                            assertThat(g.state()).isEqualTo("NOT_HERE");
                            assertThat(g.capturedLsn()).as("its slot's position").isPositive();
                        });
            }
            assertThat(applying.failure()).isEmpty();
            assertThat(b.isAlive()).as("cap-b still runs").isTrue();
        } finally {
            stop(a);
            stop(b);
        }
    }

    private static Process startCapture(Path specFile, Path dir, String instance) throws Exception {
        List<String> cmd = ChildJvm.command(List.of("-Xmx512m"), ShardshiftCli.class, List.of("migrate",
                "--spec=" + specFile, "--state-dir=" + dir.resolve("state-" + instance), "--role=capture",
                "--instance-id=" + instance, "--http-port=-1", "--status-every=PT5S"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(instance + ".log").toFile());
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password());
        pb.environment().put("CI", "true");
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, demo.stack().kafka().bootstrapServers());
        return Admin.create(p);
    }

    private static Map<Integer, String> holders(Admin admin, MigrationSpec spec) {
        try {
            return CaptureLeases.holders(admin, spec);
        } catch (Exception e) {
            return Map.of();
        }
    }
}
