package io.shardshift.migrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.InstanceInfo;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.RunOptions;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.migrator.http.DashboardServer;
import io.shardshift.migrator.http.ServeOptions;
import io.shardshift.testkit.ChildJvm;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One migration applied by two migrator processes: this JVM runs every part ({@code --role all}, instance
 * {@code scale-a}) and a child JVM runs {@code shardshift migrate --role apply} (instance {@code scale-b}). Both
 * apply (each holds some of the change topics' partitions, as the instances topic and both status answers show);
 * the apply-only process is then killed with SIGKILL while writers go on, its instance is marked lost, the other
 * takes all its partitions over (before the group's session timeout: it removes the lost process's static members), and once writes stop every row of the source equals its target row (the writers
 * update each row many times, so an update applied out of order or lost leaves a row that differs), in its layout's
 * target, nothing missing and nothing extra.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ApplyScaleOutIT {
    private static final String TOKEN = "scale-out-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 20_000);

    @Test
    void shouldSpreadApplyOverTwoProcessesAndTakeOverTheKilledOnesPartitions(@TempDir Path dir) throws Exception {
        DemoStack stack = demo.stack();
        MigrationSpec spec = stack.spec("scale", 500);
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, stack.specYaml("scale", 500));
        Path log = dir.resolve("migrator-b.log");
        try (WriteLoad load = demo.fixture().startLoad(4, 400)) {
            Process b = startApplyOnly(stack, specFile, dir.resolve("state-b"), log);
            try (MigrationRunner a = MigrationRunner.start(spec, dir.resolve("state-a"),
                    RunOptions.all().withInstanceId("scale-a"));
                 DashboardServer http = DashboardServer.start(a, ServeOptions.of(0, TOKEN))) {
                await("both processes apply some partitions").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> holding(a, "scale-a") > 0 && holding(a, "scale-b") > 0
                                && holding(a, "scale-a") + holding(a, "scale-b") == 8);
                assertThat(a.awaitBackfill(Duration.ofMinutes(1))).isTrue();
                await("both processes apply events").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> applied(a, "scale-a") > 0 && applied(a, "scale-b") > 0);
                JsonNode fromB = status(childUrl(log), "/v1/rebalance/status");
                assertThat(ids(fromB.path("instances"))).containsExactly("scale-a", "scale-b");
                assertThat(fromB.path("instances").get(1).path("roles").toString()).isEqualTo("[\"apply\"]");
                assertThat(a.applyShared()).as("the apply runs in both processes").isTrue();
                long beforeKill = load.total();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.total() > beforeKill + 800);

                long killedAt = System.nanoTime();
                b.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                assertThat(b.exitValue()).as("killed, not a clean exit").isNotZero();

                await("the killed instance is shown lost").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> stateOf(status(http.url().toString(), "/v1/migration/status"), "scale-b"),
                                s -> s.equals(Optional.of(InstanceInfo.LOST)));
                assertThat(a.oldestWaitingMillis()).as("the killed process's partitions wait, and the lag shows it")
                        .isGreaterThan(5_000);
                await("the surviving process takes every partition over before the group's 45 s session timeout")
                        .atMost(Duration.ofSeconds(40).minusNanos(System.nanoTime() - killedAt))
                        .pollInterval(Duration.ofMillis(500)).until(() -> holding(a, "scale-a") == 8);
                long afterTakeover = load.total();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.total() > afterTakeover + 800);
                load.stop();

                Drain.await(a.lag(), Duration.ofMinutes(1));
                assertThat(a.oldestWaitingMillis()).isZero();
                CompareReport report = Compare.orders(stack, spec, a.tables().get(0));
                assertThat(report.mismatches()).isEmpty();
                assertThat(report.clean()).isTrue();
                assertThat(report.sourceRows()).isGreaterThanOrEqualTo(20_000);
                assertThat(a.failure()).isEmpty();
            } finally {
                b.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int holding(MigrationRunner runner, String id) {
        return runner.instances().instances().stream().filter(i -> i.id().equals(id) && InstanceInfo.LIVE.equals(
                i.state(System.currentTimeMillis()))).mapToInt(i -> i.holding(InstanceInfo.APPLY_PARTITIONS)).sum();
    }

    private static long applied(MigrationRunner runner, String id) {
        return runner.instances().instances().stream().filter(i -> i.id().equals(id))
                .mapToLong(i -> i.figures().getOrDefault(InstanceInfo.EVENTS_APPLIED, 0L)).sum();
    }

    private static List<String> ids(JsonNode instances) {
        List<String> ids = new java.util.ArrayList<>();
        instances.forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    private static Optional<String> stateOf(JsonNode status, String id) {
        for (JsonNode i : status.path("instances")) {
            if (i.path("id").asText().equals(id)) {
                return Optional.of(i.path("state").asText());
            }
        }
        return Optional.empty();
    }

    private static JsonNode status(String base, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The dashboard address the child printed. */
    private static String childUrl(Path log) throws Exception {
        Pattern url = Pattern.compile("dashboard and API: (\\S+)");
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = url.matcher(Files.readString(log));
            return m.find() ? m.group(1) : null;
        }, u -> u != null);
    }

    private static Process startApplyOnly(DemoStack stack, Path spec, Path state, Path log) throws Exception {
        List<String> cmd = ChildJvm.command(List.of("-Xmx512m"), ShardshiftCli.class, List.of("migrate", "--spec=" + spec,
                "--state-dir=" + state, "--status-every=PT1S", "--http-port=0", "--role=apply", "--instance-id=scale-b"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", stack.source().password());
        pb.environment().put("SHARDSHIFT_API_TOKEN", TOKEN);
        pb.environment().put("CI", "true");
        return pb.start();
    }
}
