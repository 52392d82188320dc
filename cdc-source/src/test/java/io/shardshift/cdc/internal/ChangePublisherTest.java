package io.shardshift.cdc.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ChangePublisherTest {
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", Schema.INT64_SCHEMA).field("tenant_id", Schema.STRING_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.INT64_SCHEMA).field("txId", Schema.INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("x.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
    private static final Schema HEARTBEAT = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
            .field("ts_ms", Schema.INT64_SCHEMA).build();

    private final DebeziumEventConverter converter = new DebeziumEventConverter(Map.of(ORDERS, List.of("id")));
    private final RecordingCommitter committer = new RecordingCommitter();

    @Test
    void shouldPublishEachChangeKeyedByPrimaryKeyThenCommitTheWholeBatch() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher publisher = new ChangePublisher("demo", converter, producer, Map.of(ORDERS, "changes.orders"));
        List<RecordChangeEvent<SourceRecord>> batch = List.of(change("c", 1, 100), heartbeat(150), change("u", 1, 200),
                tombstone(), change("d", 1, 300));

        publisher.handleBatch(batch, committer);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(3).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("changes.orders");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("[\"1\"]");
        });
        assertThat(sent).extracting(r -> ChangeEventCodec.decode(r.value()).op())
                .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.DELETE);
        ChangeEvent delete = ChangeEventCodec.decode(sent.get(2).value());
        assertThat(delete.before()).containsEntry("tenant_id", "acme");
        assertThat(committer.processed()).containsExactlyElementsOf(batch);
        assertThat(committer.batchesFinished()).isEqualTo(1);
        assertThat(publisher.publishedCount()).isEqualTo(3);
        assertThat(publisher.lastPublishedLsn()).isEqualTo(300);
        assertThat(publisher.lastProcessedLsn()).isEqualTo(300);
    }

    @Test
    void shouldAdvanceProcessedPositionOnHeartbeatsAlone() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher publisher = new ChangePublisher("demo", converter, producer, Map.of(ORDERS, "changes.orders"));

        publisher.handleBatch(List.of(heartbeat(900)), committer);

        assertThat(producer.history()).isEmpty();
        assertThat(committer.batchesFinished()).isEqualTo(1);
        assertThat(publisher.lastPublishedLsn()).isZero();
        assertThat(publisher.lastProcessedLsn()).isEqualTo(900);
    }

    @Test
    void shouldNotCommitBatchWhenKafkaRejectsASend() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
            }
        };
        ChangePublisher publisher = new ChangePublisher("demo", converter, producer, Map.of(ORDERS, "changes.orders"));

        assertThatThrownBy(() -> publisher.handleBatch(List.of(change("c", 7, 4096)), committer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0/1000").hasMessageContaining("broker gone");
        assertThat(committer.processed()).isEmpty();
        assertThat(committer.batchesFinished()).isZero();
        assertThat(publisher.publishedCount()).isZero();
    }

    @Test
    void shouldCommitPipelinedBatchesInOrderOnlyAfterKafkaAcknowledgedThem() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher publisher = ChangePublisher.pipelined("demo", converter, producer,
                Map.of(ORDERS, "changes.orders"), 4, e -> { });
        List<RecordChangeEvent<SourceRecord>> first = List.of(change("c", 1, 100), change("c", 2, 110));
        List<RecordChangeEvent<SourceRecord>> second = List.of(change("u", 1, 200));

        publisher.handleBatch(first, committer);
        publisher.handleBatch(second, committer);

        assertThat(producer.history()).hasSize(3);
        assertThat(committer.processed()).isEmpty();
        producer.completeNext();
        producer.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> committer.batchesFinished() == 1);
        assertThat(committer.processed()).containsExactlyElementsOf(first);
        assertThat(publisher.lastProcessedLsn()).isEqualTo(110);
        producer.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> committer.batchesFinished() == 2);
        assertThat(committer.processed()).containsExactly(first.get(0), first.get(1), second.get(0));
        assertThat(publisher.lastPublishedLsn()).isEqualTo(200);
        assertThat(publisher.stopPipelining(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void shouldCommitNothingFromAFailedPipelinedBatchOnAndRefuseTheNextBatch() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ChangePublisher publisher = ChangePublisher.pipelined("demo", converter, producer,
                Map.of(ORDERS, "changes.orders"), 4, failures::add);

        publisher.handleBatch(List.of(change("c", 1, 4096)), committer);
        publisher.handleBatch(List.of(change("c", 2, 8192)), committer);
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
        producer.completeNext();

        await().atMost(Duration.ofSeconds(10)).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).hasMessageContaining("0/1000").hasMessageContaining("broker gone");
        assertThat(publisher.failure()).isPresent();
        assertThatThrownBy(() -> publisher.handleBatch(List.of(change("c", 3, 9000)), committer))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("broker gone");
        assertThat(publisher.stopPipelining(Duration.ofSeconds(1))).isFalse();
        assertThatThrownBy(() -> publisher.handleBatch(List.of(change("c", 4, 9100)), committer))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("broker gone");
        assertThat(committer.processed()).isEmpty();
        assertThat(committer.batchesFinished()).isZero();
        assertThat(publisher.lastProcessedLsn()).isZero();
    }

    @Test
    void shouldCommitEveryHandedOverBatchBeforeGoingBackToSynchronousPublishing() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher publisher = ChangePublisher.pipelined("demo", converter, producer,
                Map.of(ORDERS, "changes.orders"), 1, e -> { });
        List<RecordChangeEvent<SourceRecord>> handed = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            List<RecordChangeEvent<SourceRecord>> batch = List.of(change("c", i, 100L * i));
            handed.addAll(batch);
            publisher.handleBatch(batch, committer);
        }

        assertThat(publisher.stopPipelining(Duration.ofSeconds(10))).isTrue();
        assertThat(committer.processed()).containsExactlyElementsOf(handed);
        RecordChangeEvent<SourceRecord> after = change("u", 1, 5000);
        publisher.handleBatch(List.of(after), committer);
        assertThat(committer.processed()).hasSize(21).last().isEqualTo(after);
        assertThat(publisher.lastProcessedLsn()).isEqualTo(5000);
    }

    private static RecordChangeEvent<SourceRecord> change(String op, long id, long lsn) {
        Struct row = new Struct(ROW).put("id", id).put("tenant_id", "acme");
        Struct source = new Struct(SOURCE).put("schema", "public").put("table", "orders").put("lsn", lsn)
                .put("txId", 1L).put("ts_ms", 1L);
        boolean truncate = op.equals("t");
        Struct value = new Struct(ENVELOPE).put("source", source).put("op", op)
                .put("before", op.equals("c") || truncate ? null : row)
                .put("after", op.equals("d") || truncate ? null : row);
        return () -> new SourceRecord(Map.of("server", "x"), Map.of("lsn", lsn), "t", null, null, null, ENVELOPE, value);
    }

    @Test
    void shouldPublishTruncateToEveryPartitionOfTheTopic() throws Exception {
        org.apache.kafka.common.Node node = new org.apache.kafka.common.Node(0, "localhost", 9092);
        List<org.apache.kafka.common.PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            partitions.add(new org.apache.kafka.common.PartitionInfo("changes.orders", p, node, null, null));
        }
        org.apache.kafka.common.Cluster cluster = new org.apache.kafka.common.Cluster("c", List.of(node), partitions,
                java.util.Set.of(), java.util.Set.of());
        MockProducer<byte[], byte[]> producer = new MockProducer<>(cluster, true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher publisher = new ChangePublisher("demo", converter, producer, Map.of(ORDERS, "changes.orders"));

        publisher.handleBatch(List.of(change("c", 1, 100), change("t", 0, 200), change("c", 2, 300)), committer);

        List<ProducerRecord<byte[], byte[]>> truncates = producer.history().stream()
                .filter(r -> ChangeEventCodec.decode(r.value()).op() == Operation.TRUNCATE).toList();
        assertThat(truncates).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
        assertThat(truncates).allSatisfy(r -> assertThat(ChangeEventCodec.decode(r.value()).position().lsn())
                .isEqualTo(200L));
        assertThat(producer.history()).hasSize(5);
        assertThat(publisher.lastPublishedLsn()).isEqualTo(300L);
    }

    private static RecordChangeEvent<SourceRecord> heartbeat(long lsn) {
        Struct value = new Struct(HEARTBEAT).put("ts_ms", 1L);
        return () -> new SourceRecord(Map.of("server", "x"), Map.of("lsn", lsn), "__debezium-heartbeat.x", null,
                null, null, HEARTBEAT, value);
    }

    private static RecordChangeEvent<SourceRecord> tombstone() {
        return () -> new SourceRecord(Map.of("server", "x"), Map.of(), "t", null, null, null, null, null);
    }

    private static final class RecordingCommitter implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        private final List<RecordChangeEvent<SourceRecord>> processed = new CopyOnWriteArrayList<>();
        private final AtomicInteger batchesFinished = new AtomicInteger();

        List<RecordChangeEvent<SourceRecord>> processed() {
            return List.copyOf(processed);
        }

        int batchesFinished() {
            return batchesFinished.get();
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            processed.add(record);
        }

        @Override
        public void markBatchFinished() {
            batchesFinished.incrementAndGet();
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            processed.add(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    }
}
