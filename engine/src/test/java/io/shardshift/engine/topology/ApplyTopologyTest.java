package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.internal.PendingWritesStore;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.shardshift.engine.topology.Orders.delete;
import static io.shardshift.engine.topology.Orders.insert;
import static io.shardshift.engine.topology.Orders.snapshotRow;
import static io.shardshift.engine.topology.Orders.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplyTopologyTest {
    static final String TOPIC = "shardshift.demo.changes.public.orders";
    static final String OTHER_TOPIC = "shardshift.demo.changes.public.customers";
    static final Layout LAYOUT = Layout.evenRanges(1, Orders.SHARD_KEY, 16, List.of("pg_a", "pg_b", "pg_c"),
            Map.of("whale", "pg_whale"));

    @TempDir
    Path stateDir;

    final RecordingSinks sinks = new RecordingSinks();
    final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    final ApplyMetrics metrics = new ApplyMetrics();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;

    static ApplyTopologyConfig config(int batchSize) {
        return new ApplyTopologyConfig(List.of(TOPIC, OTHER_TOPIC), Map.of(Orders.TABLE, Orders.SHARD_KEY), LAYOUT,
                batchSize, Duration.ofHours(1));
    }

    void start(int batchSize) {
        start(config(batchSize));
    }

    void start(ApplyTopologyConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "shardshift.demo.apply");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ApplyTopology.build(config, sinks, deadLetters, metrics), props);
        input = driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void pipe(ChangeEvent... events) {
        for (ChangeEvent e : events) {
            input.pipeInput(ChangeEventCodec.encodeKey(e.keyValues()), ChangeEventCodec.encode(e));
        }
    }

    /** A tenant that the layout routes to the target. */
    static String tenantOn(String target) {
        for (int i = 0; ; i++) {
            if (LAYOUT.targetFor("tenant-" + i).equals(target)) {
                return "tenant-" + i;
            }
        }
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldReadAllChangeTopicsInOneSubtopologyWithoutRepartitionTopic() {
        Topology topology = ApplyTopology.build(config(10), sinks, deadLetters);
        TopologyDescription description = topology.describe();

        assertThat(description.toString()).doesNotContain("-repartition");
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.globalStores()).isEmpty();
        TopologyDescription.Subtopology sub = description.subtopologies().iterator().next();
        assertThat(sub.nodes()).extracting(TopologyDescription.Node::name)
                .containsExactlyInAnyOrder(ApplyTopology.SOURCE, ApplyTopology.PROCESSOR);
        TopologyDescription.Source source = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
                .map(TopologyDescription.Source.class::cast).findFirst().orElseThrow();
        assertThat(source.topicSet()).containsExactlyInAnyOrder(TOPIC, OTHER_TOPIC);
        assertThat(sub.nodes()).noneMatch(n -> n instanceof TopologyDescription.Sink);
    }

    @Test
    void shouldApplyEveryEventToTheSearchTargetAloneWithoutALayout() {
        start(new ApplyTopologyConfig(List.of(TOPIC), Map.of(Orders.TABLE, Orders.SHARD_KEY), null, 2,
                Duration.ofHours(1), Map.of(Orders.TABLE, List.of("search"))));
        pipe(insert("1", tenantOn("pg_a"), "1.00", 100), update("1", tenantOn("pg_a"), "whale", "2.00", 110),
                insert("2", "whale", "3.00", 120), delete("2", "whale", 130));

        assertThat(sinks.holdersOf("1")).containsExactly("search");
        assertThat(sinks.target("search").historyOf("1")).containsExactly("c:100", "u:110");
        assertThat(sinks.target("search").row("1")).containsEntry("total", "2.00");
        assertThat(sinks.holdersOf("2")).isEmpty();
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void shouldApplyOnlyTheMovedTenantsRowsInATenantScopedMigration() {
        start(new ApplyTopologyConfig(List.of(TOPIC), Map.of(Orders.TABLE, Orders.SHARD_KEY), LAYOUT, 3,
                Duration.ofHours(1), Map.of(Orders.TABLE, List.of("search")), List.of("whale")));
        String minnow = tenantOn("pg_a");
        pipe(insert("1", "whale", "1.00", 100), insert("2", minnow, "2.00", 110), snapshotRow("3", minnow, "3.00"),
                update("2", minnow, "whale", "2.50", 120), update("1", "whale", minnow, "1.50", 130),
                update("3", minnow, "3.50", 140), insert("4", "whale", "4.00", 150), delete("4", "whale", 160),
                insert("5", minnow, "5.00", 170), delete("5", minnow, 180));

        assertThat(sinks.holdersOf("2")).containsExactly("pg_whale", "search");
        assertThat(sinks.target("pg_whale").row("2")).containsEntry("total", "2.50").containsEntry("tenant_id", "whale");
        assertThat(sinks.holdersOf("1")).isEmpty();
        assertThat(sinks.target("pg_whale").historyOf("1")).containsExactly("c:100", "d:130");
        assertThat(sinks.target("search").historyOf("1")).containsExactly("c:100", "d:130");
        assertThat(sinks.holdersOf("3")).isEmpty();
        assertThat(sinks.holdersOf("4")).isEmpty();
        assertThat(sinks.holdersOf("5")).isEmpty();
        assertThat(sinks.target("pg_a").rows).isEmpty();
        assertThat(sinks.rowCount()).isEqualTo(2);
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void shouldTakeTheTenantsFromTheSpec() {
        MigrationSpec all = ApplyConfigTest.SPEC;
        MigrationSpec scoped = new MigrationSpec(all.name(), all.source(), all.tables(), all.kafka(), all.targets(),
                all.layout(), all.apply(), all.search(), List.of("acme", "globex"), all.cutover(), all.capture());

        assertThat(ApplyTopologyConfig.from(all).tenants()).isEmpty();
        assertThat(ApplyTopologyConfig.from(scoped).withBatchSize(5).withFlushInterval(Duration.ofSeconds(1)).tenants())
                .containsExactly("acme", "globex");
    }

    @Test
    void shouldApplyEventsOfOneKeyInSourceOrder() {
        start(3);
        String tenant = tenantOn("pg_b");
        List<ChangeEvent> events = new ArrayList<>();
        events.add(insert("1", tenant, "1.00", 100));
        for (int i = 1; i <= 7; i++) {
            events.add(update("1", tenant, i + ".00", 100 + i * 10));
            events.add(insert("other-" + i, tenant, "9.99", 101 + i * 10));
        }
        pipe(events.toArray(ChangeEvent[]::new));

        RecordingSinks.Target target = sinks.target("pg_b");
        assertThat(target.historyOf("1")).containsExactly("c:100", "u:110", "u:120", "u:130", "u:140", "u:150",
                "u:160", "u:170");
        assertThat(target.row("1")).containsEntry("total", "7.00");
        assertThat(sinks.holdersOf("1")).containsExactly("pg_b");
    }

    @Test
    void shouldPutEachKeyOnlyOnTheTargetItsLayoutNames() {
        start(5);
        long lsn = 1000;
        for (int tenant = 0; tenant < 30; tenant++) {
            for (int row = 0; row < 3; row++) {
                pipe(insert("t" + tenant + "-r" + row, "tenant-" + tenant, "1.00", lsn++));
            }
        }

        for (int tenant = 0; tenant < 30; tenant++) {
            for (int row = 0; row < 3; row++) {
                assertThat(sinks.holdersOf("t" + tenant + "-r" + row))
                        .as("holders of tenant-%d row %d", tenant, row)
                        .containsExactly(LAYOUT.targetFor("tenant-" + tenant));
            }
        }
        int total = sinks.targets().values().stream().mapToInt(t -> t.rows.size()).sum();
        assertThat(total).isEqualTo(90);
        assertThat(sinks.targets().keySet()).containsExactlyInAnyOrder("pg_a", "pg_b", "pg_c");
    }

    @Test
    void shouldSendHotTenantToItsDedicatedTarget() {
        start(10);
        pipe(insert("1", "whale", "5.00", 100), update("1", "whale", "6.00", 110), insert("2", "minnow", "1.00", 120));

        assertThat(sinks.holdersOf("1")).containsExactly("pg_whale");
        assertThat(sinks.target("pg_whale").row("1")).containsEntry("total", "6.00");
        assertThat(sinks.holdersOf("2")).containsExactly(LAYOUT.targetFor("minnow"));
    }

    @Test
    void shouldDeleteFromOldTargetAndUpsertOnNewWhenShardKeyChanges() {
        start(10);
        String onA = tenantOn("pg_a");
        String onC = tenantOn("pg_c");
        pipe(insert("1", onA, "5.00", 100), update("1", onA, onC, "5.00", 200));

        assertThat(sinks.holdersOf("1")).containsExactly("pg_c");
        assertThat(sinks.target("pg_c").row("1")).containsEntry("tenant_id", onC);
        assertThat(sinks.target("pg_a").historyOf("1")).containsExactly("c:100", "d:200");
        assertThat(sinks.target("pg_a").tombstones).containsEntry(List.of("1"), 200L);
    }

    @Test
    void shouldIgnoreStaleEventsBelowTheStoredFence() {
        start(10);
        String tenant = tenantOn("pg_a");
        pipe(insert("1", tenant, "1.00", 100), update("1", tenant, "3.00", 300),
                update("1", tenant, "2.00", 200),
                delete("2", tenant, 400), insert("2", tenant, "8.00", 350), snapshotRow("2", tenant, "0.00"),
                snapshotRow("1", tenant, "0.00"));

        RecordingSinks.Target target = sinks.target("pg_a");
        assertThat(target.row("1")).containsEntry("total", "3.00");
        assertThat(target.row("2")).isNull();
        assertThat(target.eventCount()).isEqualTo(7);
    }

    @Test
    void shouldSendPoisonRecordToDeadLetterWithItsOffsetAndKeepApplying() {
        start(10);
        String tenant = tenantOn("pg_b");
        byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
        pipe(insert("1", tenant, "1.00", 100));
        input.pipeInput("[\"2\"]".getBytes(StandardCharsets.UTF_8), poison);
        pipe(insert("3", tenant, "3.00", 300));

        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(TOPIC);
            assertThat(letter.partition()).isZero();
            assertThat(letter.offset()).isEqualTo(1L);
            assertThat(letter.value()).isEqualTo(poison);
            assertThat(letter.target()).isNull();
            assertThat(letter.reason()).contains("not valid JSON");
        });
        assertThat(sinks.holdersOf("1")).containsExactly("pg_b");
        assertThat(sinks.holdersOf("3")).containsExactly("pg_b");
        assertThat(metrics.deadLetters()).isEqualTo(1);
    }

    @Test
    void shouldSendUnroutableEventToDeadLetter() {
        start(10);
        ChangeEvent unknownTable = ChangeEvent.create(io.shardshift.core.event.TableId.parse("public.invoices"),
                Map.of("id", "1"), Map.of("id", "1", "tenant_id", "x"), Orders.at(100));
        pipe(unknownTable);

        assertThat(deadLetters.letters).singleElement()
                .satisfies(l -> assertThat(l.reason()).contains("public.invoices").contains("not in the migration"));
    }

    @Test
    void shouldSendRejectedEventToDeadLetterWithOriginalOffsetAndTarget() {
        sinks.rejecting(e -> "bad".equals(e.after() == null ? null : e.after().get("total"))
                ? "invalid input syntax for type numeric: \"bad\" (SQLSTATE 22P02)" : null);
        start(10);
        String tenant = tenantOn("pg_c");
        ChangeEvent bad = insert("2", tenant, "bad", 200);
        pipe(insert("1", tenant, "1.00", 100), bad, insert("3", tenant, "3.00", 300));

        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(1L);
            assertThat(letter.target()).isEqualTo("pg_c");
            assertThat(letter.reason()).contains("22P02");
            assertThat(ChangeEventCodec.decode(letter.value())).isEqualTo(bad);
        });
        assertThat(sinks.holdersOf("1")).containsExactly("pg_c");
        assertThat(sinks.holdersOf("2")).isEmpty();
        assertThat(sinks.holdersOf("3")).containsExactly("pg_c");
        assertThat(metrics.target("pg_c").deadLetters()).isEqualTo(1);
        assertThat(metrics.target("pg_c").eventsApplied()).isEqualTo(2);
    }

    @Test
    void shouldWriteBufferedEventsBeforeTheTaskCommits() {
        start(1000);
        String tenant = tenantOn("pg_a");
        pipe(insert("1", tenant, "1.00", 100), insert("2", tenant, "2.00", 200));

        // Neither the batch size (1000) nor the flush interval (1 h of wall clock) was reached: only the
        // commit that TopologyTestDriver runs after each record can have written them, and it must do so
        // from the pre-commit hook, not from the post-commit StateStore#commit.
        assertThat(sinks.holdersOf("1")).containsExactly("pg_a");
        assertThat(sinks.holdersOf("2")).containsExactly("pg_a");
        PendingWritesStore store = (PendingWritesStore) driver.getStateStore(ApplyTopology.STORE);
        assertThat(store.writesAfterCommit()).isZero();
    }

    @Test
    void shouldStopTheTaskWhenTargetFails() {
        sinks.failing("connection refused after 5 retries");
        start(1);
        String tenant = tenantOn("pg_a");

        assertThatThrownBy(() -> pipe(insert("1", tenant, "1.00", 100)))
                .hasRootCauseInstanceOf(SinkException.class)
                .rootCause().hasMessageContaining("connection refused");
        assertThat(metrics.target("pg_a").eventsApplied()).isZero();
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void shouldRecordAppliedEventsFenceAndCommitTimePerTarget() {
        start(10);
        String tenant = tenantOn("pg_b");
        pipe(insert("1", tenant, "1.00", 100), update("1", tenant, "2.00", 250), snapshotRow("5", tenant, "1.00"));

        ApplyMetrics.TargetStats stats = metrics.target("pg_b");
        assertThat(stats.eventsApplied()).isEqualTo(3);
        assertThat(stats.highestFence()).isEqualTo(250);
        assertThat(stats.lastCommitMillis()).isEqualTo(Orders.at(250).commitMillis());
        assertThat(stats.latencySamples()).isEqualTo(2);
        assertThat(metrics.snapshot()).containsOnlyKeys("pg_b");
    }

    @Test
    void shouldCloseEachSinkWhenTheTaskCloses() {
        start(10);
        pipe(insert("1", tenantOn("pg_a"), "1.00", 100), insert("2", tenantOn("pg_b"), "1.00", 110));
        assertThat(sinks.opened()).hasSize(2).noneMatch(s -> s.closed);

        driver.close();
        driver = null;

        assertThat(sinks.opened()).hasSize(2).allMatch(s -> s.closed);
    }
}
