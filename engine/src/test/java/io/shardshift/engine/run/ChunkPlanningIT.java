package io.shardshift.engine.run;

import io.shardshift.cdc.SnapshotReader;
import io.shardshift.cdc.SourcePreflight;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes starting the same migration at once plan its backfill once: {@link ChunkPlanning} under the
 * source's advisory lock, with each planner following the state topic through its own {@link BackfillLedger}
 * as separate processes do. A re-backfill plans the table again as a new generation.
 */
@Timeout(180)
class ChunkPlanningIT {
    private static final TableId ORDERS = TableId.parse("public.orders");
    private static DemoFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = DemoFixture.start(false, 30_000);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldPlanATableOnceWhenTwoPlannersStartTogether() throws Exception {
        DemoStack stack = fixture.stack();
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("plan_once", 500).replace("chunkRows: 25000", "chunkRows: 2000"),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        List<TableSchema> tables = SourcePreflight.check(spec);
        MigrationRunner.createTopic(spec, spec.topicPrefix() + ".state", 1, true);
        MigrationRunner.createTopic(spec, Backfill.chunkTopic(spec), Backfill.chunkPartitions(spec), false);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<TableId>>> planners = new ArrayList<>();
        List<BackfillLedger> ledgers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                BackfillLedger ledger = new BackfillLedger(spec.kafka().bootstrapServers(), spec.topicPrefix() + ".state").follow();
                ledgers.add(ledger);
                ChunkPlanning planning = new ChunkPlanning(spec, new SnapshotReader(spec), ledger, Backfill.chunkTopic(spec),
                        Backfill.chunkPartitions(spec));
                planners.add(pool.submit(() -> {
                    go.await();
                    return planning.planMissing(tables, Set.of());
                }));
            }
            go.countDown();
            List<TableId> planned = new ArrayList<>();
            for (Future<List<TableId>> f : planners) {
                planned.addAll(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(planned).as("tables planned by both planners together").containsExactly(ORDERS);
            BackfillLedger.Plan plan = ledgers.get(1).plan(ORDERS);
            assertThat(plan.generation()).isEqualTo(1);
            assertThat(plan.chunks()).as("30,000 rows in chunks of about 2,000").isGreaterThan(5);
            assertThat(ledgers.get(0).plan(ORDERS)).isEqualTo(plan);
            assertThat(chunkRecords(spec)).as("chunk records published").isEqualTo(plan.chunks());

            List<TableId> again = new ChunkPlanning(spec, new SnapshotReader(spec), ledgers.get(0), Backfill.chunkTopic(spec),
                    Backfill.chunkPartitions(spec)).planMissing(tables, Set.of(ORDERS));
            assertThat(again).containsExactly(ORDERS);
            assertThat(ledgers.get(0).plan(ORDERS).generation()).as("a re-backfill is a new generation").isEqualTo(2);
            assertThat(chunkRecords(spec)).isEqualTo(2L * plan.chunks());
        } finally {
            pool.shutdownNow();
            ledgers.forEach(BackfillLedger::close);
        }
    }

    private static long chunkRecords(MigrationSpec spec) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = IntStream.range(0, Backfill.chunkPartitions(spec))
                    .mapToObj(i -> new TopicPartition(Backfill.chunkTopic(spec), i)).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
