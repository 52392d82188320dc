package io.shardshift.migrator.e2e;

import io.shardshift.cdc.SourcePreflight;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.ChildJvm;
import io.shardshift.testkit.WriteLoad;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One backfill shared by two {@code shardshift migrate} processes (child JVMs) with the same spec: {@code a} runs
 * every role, {@code b} runs {@code --role backfill,apply}, so capture stays on {@code a}. Both copy chunks of
 * the one table from the chunk topic ({@code b} started once {@code a} planned it), paced to 3,000 rows/s each (the stream lag the two apply groups' rebalances
 * cause is let through, {@code apply.targetLag: 60s}, so the rate guard does not slow the copy down further); {@code b} is killed with SIGKILL mid-backfill
 * (once it recorded a chunk as copied, with more than 3 chunks left), and {@code a} copies the rest, {@code b}'s unfinished chunks included, while writers keep
 * writing: every source row ends up equal on its target, nothing lost, nothing extra.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SharedBackfillKillIT {
    private static final Logger LOG = LoggerFactory.getLogger(SharedBackfillKillIT.class);
    private static final int ROWS = 150_000;
    /** The processes' logs, kept after the run. */
    private static final Path LOGS = Path.of("target", "shared-backfill-kill");
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, ROWS);

    @Test
    void shouldFinishTheBackfillOnTheSurvivorWhenOneOfTwoProcessesIsKilled(@TempDir Path dir) throws Exception {
        String yaml = demo.stack().specYaml("shared", 500).replace("  chunkRows: 25000\n", "  chunkRows: 4000\n  maxRate: 3000\n  targetLag: 60s\n");
        MigrationSpec spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password()));
        Files.createDirectories(LOGS);
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, yaml);
        String table = "backfill/public.orders";
        List<Process> started = new ArrayList<>();
        try (WriteLoad load = demo.fixture().startLoad(2, 200)) {
            Process a = start(specFile, dir, "shared-a", "all", started);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> planned(readState(spec), table) > 0);
            Process b = start(specFile, dir, "shared-b", "backfill,apply", started);

            AtomicReference<Map<String, String>> atKill = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(300)).until(() -> {
                Map<String, String> state = readState(spec);
                int planned = planned(state, table);
                long done = chunks(state, table).values().stream().filter(v -> v.startsWith("done")).count();
                atKill.set(state);
                return copiedBy(chunks(state, table), "shared-b") > 0 && done < planned - 3;
            });
            b.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(b.exitValue()).as("killed, not a clean exit").isNotZero();
            int planned = planned(atKill.get(), table);
            long doneAtKill = chunks(atKill.get(), table).values().stream().filter(v -> v.startsWith("done")).count();

            // the survivor's rate guard may slow it down to 500 rows/s when the machine is busy
            await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "done".equals(readState(spec).get(table)));
            assertThat(a.isAlive()).as("the survivor runs on").isTrue();
            Map<String, String> chunks = chunks(readState(spec), table);
            assertThat(chunks).as("every planned chunk recorded as copied").hasSize(planned)
                    .allSatisfy((k, v) -> assertThat(v).startsWith("done"));
            assertThat(copiedBy(chunks, "shared-a")).as("chunks the survivor copied, more than at the kill")
                    .isGreaterThan(copiedBy(chunks(atKill.get(), table), "shared-a"));
            assertThat(copiedBy(chunks, "shared-b")).as("chunks the killed process copied before it died").isGreaterThan(0);
            assertThat(doneAtKill).isLessThan(planned);
            LOG.info("shared backfill: {} chunks planned; at the kill {} done ({} by shared-a, {} by shared-b); at the end"
                    + " {} by shared-a, {} by shared-b", planned, doneAtKill, copiedBy(chunks(atKill.get(), table), "shared-a"),
                    copiedBy(chunks(atKill.get(), table), "shared-b"), copiedBy(chunks, "shared-a"), copiedBy(chunks, "shared-b"));
            assertThat(Files.readString(LOGS.resolve("shared-a.log"))).as("capture runs in a").contains("starting change capture");
            assertThat(Files.readString(LOGS.resolve("shared-b.log"))).as("no capture in b").doesNotContain("starting change capture");

            long atEnd = load.total();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.total() > atEnd + 200);
            load.stop();
            TableSchema orders = SourcePreflight.check(spec).get(0);
            AtomicReference<CompareReport> report = new AtomicReference<>();
            // b's apply tasks move to a once b's Kafka Streams session times out (45 s after the kill)
            await().atMost(Duration.ofSeconds(35)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                report.set(Compare.orders(demo.stack(), spec, orders));
                return report.get().clean();
            });
            assertThat(report.get().mismatches()).isEmpty();
            assertThat(report.get().sourceRows()).isGreaterThanOrEqualTo(ROWS);
        } finally {
            for (Process p : started) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Path spec, Path dir, String instance, String roles, List<Process> started) throws Exception {
        List<String> cmd = ChildJvm.command(List.of("-Xmx768m"), ShardshiftCli.class,
                List.of("migrate", "--spec=" + spec, "--state-dir=" + dir.resolve("state-" + instance), "--status-every=PT2S",
                        "--http-port=-1", "--role=" + roles, "--instance-id=" + instance));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(LOGS.resolve(instance + ".log").toFile());
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password());
        pb.environment().put("CI", "true");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static long copiedBy(Map<String, String> chunks, String instance) {
        return chunks.values().stream().filter(v -> v.startsWith("done") && v.endsWith(" by=" + instance)).count();
    }

    private static int planned(Map<String, String> state, String table) {
        String plan = state.get(table + "/plan");
        if (plan == null) {
            return 0;
        }
        for (String f : plan.split(" ")) {
            if (f.startsWith("chunks=")) {
                return Integer.parseInt(f.substring("chunks=".length()));
            }
        }
        throw new AssertionError("plan record without chunks: " + plan);
    }

    private static Map<String, String> chunks(Map<String, String> state, String table) {
        Map<String, String> out = new HashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(table + "/chunk/")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The state topic's latest value per key, read to its end. */
    private static Map<String, String> readState(MigrationSpec spec) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        Map<String, String> state = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(spec.topicPrefix() + ".state", 0);
            if (c.partitionsFor(tp.topic(), Duration.ofSeconds(10)).isEmpty()) {
                return state;
            }
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        state.remove(r.key());
                    } else {
                        state.put(r.key(), r.value());
                    }
                }
            }
        }
        return state;
    }
}
