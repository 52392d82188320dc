package io.shardshift.rebalance;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.HandOffGate;
import io.shardshift.client.RoutePartitioner;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.devstack.DevKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream rebalance end to end: 4 producers following the config topic write keyed records with a per-key
 * sequence; an exactly-once consumer group of 2 members (read-process-write with transactions, read_committed)
 * copies them through the {@link HandOffGate} to an output topic; meanwhile the topic is expanded 2x, rolled back,
 * then expanded 3x from the original count. Checked: per key, the output sequence is exactly the acknowledged
 * sequence (no gap, no duplicate, no reorder).
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamRebalanceIT {
    private static final String TOPIC = "events";
    private static final String OUT = "events-out";
    private static final String CONFIG = "it.config";
    private static final int BASE = 2;
    private static final int KEYS_PER_PRODUCER = 25;
    private static Cluster cluster;

    @TempDir
    Path state;

    /** The Kafka cluster of this test, created here only (one broker now; the 3-broker devstack cluster fits here). */
    interface Cluster extends AutoCloseable {
        String bootstrapServers();

        void createTopic(String name, int partitions);

        void createCompactedTopic(String name, int partitions);

        @Override
        void close();
    }

    static Cluster startCluster() {
        DevKafka k = DevKafka.start();
        return new Cluster() {
            public String bootstrapServers() {
                return k.bootstrapServers();
            }

            public void createTopic(String name, int partitions) {
                k.createTopic(name, partitions);
            }

            public void createCompactedTopic(String name, int partitions) {
                k.createCompactedTopic(name, partitions);
            }

            public void close() {
                k.close();
            }
        };
    }

    @BeforeAll
    static void start() {
        cluster = startCluster();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldKeepEveryKeysSequenceWholeAndInOrderThroughExpandRollbackAndReExpand() throws Exception {
        cluster.createTopic(TOPIC, BASE);
        cluster.createTopic(OUT, 1);
        cluster.createCompactedTopic(CONFIG, 1);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        Map<String, AtomicLong> acked = new ConcurrentHashMap<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicLong copied = new AtomicLong();
        List<Long> holds = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int producer = i;
            threads.add(thread("producer-" + i, () -> produce(producer, producing, acked, errors)));
        }
        for (int i = 0; i < 2; i++) {
            int member = i;
            threads.add(thread("copier-" + i, () -> copy(member, consuming, copied, holds, errors)));
        }
        threads.forEach(Thread::start);
        try {
            awaitMoreCopied(copied, 2_000);
            StreamExpansion twice = expansion("stream_1", BASE * 2);
            assertCompleted(twice.cutover());
            awaitMoreCopied(copied, 3_000);
            assertThat(endOffset(3)).as("partition 3 gets records after the 2x flip").isPositive();
            assertCompleted(twice.rollback("test rollback"));
            awaitMoreCopied(copied, 3_000);
            twice.close();
            StreamExpansion thrice = expansion("stream_2", BASE * 3);
            assertCompleted(thrice.cutover());
            awaitMoreCopied(copied, 3_000);
            assertThat(endOffset(5)).as("partition 5 gets records after the 3x flip").isPositive();
            thrice.close();
        } finally {
            producing.set(false);
        }
        for (int i = 0; i < 4; i++) {
            threads.get(i).join(30_000);
        }
        long total = acked.values().stream().mapToLong(AtomicLong::get).sum();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> copied.get() >= total);
        consuming.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(errors).isEmpty();
        Map<String, List<Long>> out = readOutput(total);
        assertThat(out.keySet()).hasSize(4 * KEYS_PER_PRODUCER);
        for (var e : acked.entrySet()) {
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < e.getValue().get(); s++) {
                expected.add(s);
            }
            assertThat(out.get(e.getKey())).as("output sequence of key %s", e.getKey()).isEqualTo(expected);
        }
        assertThat(holds).as("the hand-off held new partitions at least once").isNotEmpty();
    }

    private StreamExpansion expansion(String id, int partitions) {
        StreamExpansion e = StreamExpansion.open(id, cluster.bootstrapServers(), CONFIG, (short) 1, null,
                state.resolve(id), TOPIC, partitions, PartitionReassigner.NOT_REQUESTED, Duration.ofMillis(100));
        e.expand();
        assertThat(e.phase()).isEqualTo(RebalancePhase.EXPANDED);
        return e;
    }

    private static void assertCompleted(CutoverResult r) {
        assertThat(r.completed()).as("%s: %s at %s", r.kind(), r.reason(), r.failedStep()).isTrue();
    }

    private static void awaitMoreCopied(AtomicLong copied, long more) {
        long target = copied.get() + more;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> copied.get() >= target);
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void produce(int producer, AtomicBoolean running, Map<String, AtomicLong> acked, List<String> errors) {
        try (ConfigFollower follower = ConfigFollower.start(cluster.bootstrapServers(), CONFIG, RoutePartitioner.followerConfig())) {
            follower.awaitCaughtUp(Duration.ofSeconds(30));
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
            p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoutePartitioner.class.getName());
            p.put(RoutePartitioner.FOLLOWER, follower);
            long[] next = new long[KEYS_PER_PRODUCER];
            try (KafkaProducer<String, String> out = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                while (running.get()) {
                    for (int k = 0; k < KEYS_PER_PRODUCER && running.get(); k++) {
                        String key = "p" + producer + "-k" + k;
                        long seq = next[k]++;
                        AtomicLong ack = acked.computeIfAbsent(key, x -> new AtomicLong());
                        out.send(new ProducerRecord<>(TOPIC, key, Long.toString(seq)), (md, ex) -> {
                            if (ex != null) {
                                errors.add("send of " + key + "#" + seq + " failed: " + ex);
                            } else if (!ack.compareAndSet(seq, seq + 1)) {
                                errors.add("ack of " + key + "#" + seq + " out of order (had " + ack.get() + ")");
                            }
                        });
                        LockSupport.parkNanos(200_000);
                    }
                }
                out.flush();
            }
        } catch (RuntimeException | InterruptedException e) {
            errors.add("producer " + producer + ": " + e);
        }
    }

    private static void copy(int member, AtomicBoolean running, AtomicLong copied, List<Long> holds, List<String> errors) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "copier");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copier-" + member);
        try (ConfigFollower follower = ConfigFollower.start(cluster.bootstrapServers(), CONFIG, RoutePartitioner.followerConfig());
             KafkaConsumer<String, String> in = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> out = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            out.initTransactions();
            in.subscribe(List.of(TOPIC));
            HandOffGate gate = new HandOffGate(in, follower, TOPIC);
            while (running.get()) {
                List<ConsumerRecord<String, String>> ready = gate.admit(in.poll(Duration.ofMillis(50)));
                if (ready.isEmpty()) {
                    continue;
                }
                out.beginTransaction();
                try {
                    for (ConsumerRecord<String, String> r : ready) {
                        out.send(new ProducerRecord<>(OUT, r.key(), r.value()));
                    }
                    out.sendOffsetsToTransaction(HandOffGate.nextOffsets(ready), in.groupMetadata());
                    out.commitTransaction();
                    copied.addAndGet(ready.size());
                } catch (KafkaException e) {
                    out.abortTransaction();
                    rewind(in);
                }
            }
            holds.addAll(gate.holdMillis());
        } catch (RuntimeException | InterruptedException e) {
            errors.add("copier " + member + ": " + e);
        }
    }

    private static void rewind(KafkaConsumer<String, String> in) {
        Set<TopicPartition> assigned = in.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = in.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata o = committed.get(tp);
            in.seek(tp, o == null ? 0 : o.offset());
        }
    }

    private static long endOffset(int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicPartition tp = new TopicPartition(TOPIC, partition);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
        }
    }

    private static Map<String, List<Long>> readOutput(long total) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<Long>> out = new HashMap<>();
        try (KafkaConsumer<String, String> in = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(OUT, 0);
            in.assign(List.of(tp));
            in.seekToBeginning(List.of(tp));
            long end = in.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (in.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : in.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(r.value()));
                }
            }
        }
        assertThat(out.values().stream().mapToLong(List::size).sum()).as("records in the output").isEqualTo(total);
        return out;
    }
}
