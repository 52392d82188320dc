package io.shardshift.migrator.e2e;

import io.shardshift.cdc.ChangeCapture;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.cutover.MigrationFinish;
import io.shardshift.engine.lag.AppliedWatermark;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.metrics.LagSample;
import io.shardshift.engine.metrics.LagSampleJson;
import io.shardshift.engine.metrics.RecentLatency;
import io.shardshift.engine.metrics.RunnerSamples;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.migrator.e2e.CaptureGroupTables.Writer;
import io.shardshift.testkit.DemoStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A migration whose three tables are captured by two capture groups (two publications, two slots, two Debezium
 * engines): under concurrent writes, some transactions spanning tables of both groups, every source row ends
 * equal on its target and each key's changes are on its change topic in commit order. And the drain to a
 * fence waits for every group: with one group's engine stopped, "applied up to L" is never reported, in process
 * or from the slots, while the other group is long past L; a restart resumes the stopped group from its own
 * offsets and the drain then completes with every row equal.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CaptureGroupsIT {
    /** Each test its own tables, so one's target rows never meet the other's. */
    private static final List<String> TABLES = List.of("public.ga", "public.gb", "public.gc");
    private static final List<String> HELD = List.of("public.ha", "public.hb", "public.hc");

    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(s -> {
        CaptureGroupTables.create(s, TABLES);
        CaptureGroupTables.create(s, HELD);
    });

    @Test
    void shouldMigrateEveryRowThroughTwoCaptureGroupsAndKeepEachKeysOrder(@TempDir Path state) throws Exception {
        MigrationSpec spec = CaptureGroupTables.spec(demo.stack(), "groups2", TABLES, 2);
        try (Writer writer = Writer.started(demo.stack(), TABLES, 1); MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.slots()).extracting(s -> s.slotName())
                    .containsExactly("shardshift_groups2", "shardshift_groups2_g1");
            assertThat(runner.captureSplit().tables(0)).containsExactly(TableId.parse("public.ga"));
            assertThat(runner.captureSplit().tables(1)).containsExactly(TableId.parse("public.gb"), TableId.parse("public.gc"));
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            long atBackfillEnd = writer.ops.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> writer.ops.get() > atBackfillEnd + 1_500);
            assertThat(CaptureGroupTables.activeSlots(demo.stack(), spec)).as("both slots streamed by their own engine at once").isEqualTo(2);
            writer.close();
            assertThat(writer.failure.get()).as("writer failure").isNull();

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            for (ChangeCapture group : runner.capture().groups()) {
                assertThat(group.publishedCount()).as("changes published by group " + group.group()).isPositive();
            }
            CaptureGroupTables.assertEveryRowEqual(demo.stack(), spec, runner.tables());
            assertThat(runner.deadLetters()).isZero();
            for (TableSchema table : runner.tables()) {
                assertKeysInCommitOrder(spec, table.id());
            }
            try (RunnerSamples samples = new RunnerSamples(runner, new RecentLatency())) {
                LagSample sample = samples.sample();
                assertThat(sample.captureGroups()).extracting(LagSample.CaptureGroupLag::slot)
                        .containsExactly("shardshift_groups2", "shardshift_groups2_g1");
                assertThat(sample.capturedLsn()).isEqualTo(sample.captureGroups().stream()
                        .mapToLong(LagSample.CaptureGroupLag::capturedLsn).min().orElseThrow());
                assertThat(LagSampleJson.figures(sample)).containsKey("captureGroups");
            }
        }
        MigrationFinish.finish(spec);
        try (Connection c = demo.stack().source().connect(DemoStack.DATABASE); java.sql.Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE"
                     + " 'shardshift_groups2%') + (SELECT count(*) FROM pg_publication WHERE pubname LIKE 'shardshift_groups2%')")) {
            rs.next();
            assertThat(rs.getInt(1)).as("slots and publications of every group left after finish").isZero();
        }
    }

    @Test
    void shouldRefuseMoreCaptureGroupsThanTheSourceHasSlotsAndWalSendersFor(@TempDir Path state) throws Exception {
        List<String> many = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "public.many_" + i).toList();
        try (Connection c = demo.stack().source().connect(DemoStack.DATABASE); java.sql.Statement st = c.createStatement()) {
            for (String t : many) {
                st.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, tenant_id text NOT NULL, seq bigint NOT NULL,"
                        + " note text)");
                st.execute("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
            }
        }
        MigrationSpec spec = CaptureGroupTables.spec(demo.stack(), "groupsmany", many, 21);

        assertThatThrownBy(() -> MigrationRunner.start(spec, state)).isInstanceOf(SpecException.class)
                .hasMessageContaining("capture.groups: the source " + spec.source().jdbcUrl()
                        + " has max_replication_slots = 20")
                .hasMessageContaining("capture.groups = 21 needs 21")
                .hasMessageContaining("ALTER SYSTEM SET max_replication_slots")
                .hasMessageContaining("has max_wal_senders = 20");
        assertThat(CaptureGroupTables.activeSlots(demo.stack(), spec)).isZero();
    }

    @Test
    void shouldNotReportAFenceAppliedWhileOneGroupIsBehind(@TempDir Path state) throws Exception {
        MigrationSpec spec = CaptureGroupTables.spec(demo.stack(), "groupsheld", HELD, 2);
        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            Drain.await(runner.lag(), Duration.ofMinutes(1));
            ChangeCapture held = runner.capture().groups().get(1);
            ChangeCapture running = runner.capture().groups().get(0);
            held.close();

            try (Writer writer = Writer.started(demo.stack(), HELD, 2)) {
                await().atMost(Duration.ofMinutes(1)).until(() -> writer.ops.get() > 600);
            }
            long fence = runner.lag().watermark().sourceWalLsn();
            assertThatThrownBy(() -> runner.lag().watermark().awaitApplied(fence, Duration.ofSeconds(5)))
                    .isInstanceOf(TimeoutException.class).hasMessageContaining("capture has handled up to");
            assertThat(running.lastProcessedLsn()).as("the running group is past the fence").isGreaterThan(fence);
            assertThat(held.lastProcessedLsn()).as("the stopped group is not").isLessThan(fence);
            try (AppliedWatermark fromSlots = AppliedWatermark.standalone(spec)) {
                assertThatThrownBy(() -> fromSlots.awaitApplied(fence, Duration.ofSeconds(5)))
                        .isInstanceOf(TimeoutException.class);
            }
        }
        try (MigrationRunner restarted = MigrationRunner.start(spec, state)) {
            assertThat(restarted.awaitBackfill(Duration.ofMinutes(1))).isTrue();
            Drain.await(restarted.lag(), Duration.ofMinutes(2));
            CaptureGroupTables.assertEveryRowEqual(demo.stack(), spec, restarted.tables());
        }
        assertThatThrownBy(() -> MigrationRunner.start(CaptureGroupTables.spec(demo.stack(), "groupsheld", HELD, 3), state))
                .as("the recorded split is kept: another group count is refused")
                .isInstanceOf(SpecException.class).hasMessageContaining("capture.groups")
                .hasMessageContaining("runs with 2 capture group(s)");
    }

    /** Every key's events on the change topic: positions never go back, and each update's seq is one more. */
    private static void assertKeysInCommitOrder(MigrationSpec spec, TableId table) {
        Map<List<String>, ChangeEvent> last = new HashMap<>();
        int events = 0;
        for (ChangeEvent e : readTopic(spec.changeTopic(table))) {
            ChangeEvent before = last.put(e.keyValues(), e);
            events++;
            if (before == null) {
                continue;
            }
            assertThat(e.position().lsn()).as("position of " + table + " key " + e.keyValues())
                    .isGreaterThanOrEqualTo(before.position().lsn());
            if (e.op() == Operation.UPDATE && before.op() != Operation.DELETE) {
                assertThat(Long.parseLong(e.valueOf("seq"))).as("seq of " + table + " key " + e.keyValues())
                        .isEqualTo(Long.parseLong(before.valueOf("seq")) + 1);
            }
        }
        assertThat(events).as("events on the change topic of " + table).isPositive();
    }

    private static List<ChangeEvent> readTopic(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, demo.stack().kafka().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ChangeEvent> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        out.add(ChangeEventCodec.decode(r.value()));
                    }
                }
            }
            assertThat(parts).as("read " + topic + " to its end").allMatch(tp -> c.position(tp) >= end.get(tp));
        }
        return out;
    }
}
