package io.shardshift.rebalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.HandOffGate;
import io.shardshift.client.RoutePartitioner;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.devstack.DevKafkaCluster;
import io.shardshift.rebalance.reassign.BrokerCounts;
import io.shardshift.rebalance.reassign.ExecutorReassigner;
import io.shardshift.rebalance.reassign.ReassignmentOptions;
import io.shardshift.rebalance.reassign.TopicLayout;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream rebalance end to end on a 3-broker cluster: the topic has replication factor 3,
 * {@code min.insync.replicas=2}, and starts skewed (every partition led by broker 1). 4 producers following the
 * config topic write keyed records with a per-key sequence ({@code acks=all}, idempotent); an exactly-once consumer
 * group of 2 members (read-process-write with transactions, read_committed) copies them through the
 * {@link HandOffGate} to an output topic; meanwhile the topic is expanded 2x (its cutover refused while the
 * reassignment runs), rolled back, then expanded 3x from the original count, each expansion followed by a throttled
 * reassignment. Checked: per key, the output sequence is exactly the acknowledged sequence (no gap, no duplicate, no
 * reorder); leaders and replicas per broker within 1 of even after each reassignment, as read from the cluster and
 * as the status JSON shows them.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StreamRebalanceIT {
    private static final String TOPIC = "events";
    private static final String OUT = "events-out";
    private static final String CONFIG = "it.config";
    private static final int BASE = 3;
    private static final int KEYS_PER_PRODUCER = 25;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST = Duration.ofSeconds(30);
    private static final Map<String, String> MIN_ISR_2 = Map.of("min.insync.replicas", "2");
    private static final PartitionReassigner REASSIGNER = new ExecutorReassigner(new ReassignmentOptions(
            ReassignmentOptions.DEFAULTS.throttleBytesPerSecond(), Duration.ofMinutes(1), Duration.ofMillis(200),
            REQUEST, 0));
    private static Cluster cluster;

    @TempDir
    Path state;

    /** The Kafka cluster of this test, created here only: 3 brokers of the devstack. */
    interface Cluster extends AutoCloseable {
        String bootstrapServers();

        Admin admin();

        /** A topic with this replica assignment (the first replica the preferred leader) and configs. */
        void createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs);

        void createTopic(String name, int partitions, Map<String, String> configs);

        @Override
        void close();
    }

    static Cluster startCluster() {
        DevKafkaCluster k = DevKafkaCluster.start(3);
        return new Cluster() {
            public String bootstrapServers() {
                return k.bootstrapServers();
            }

            public Admin admin() {
                return k.admin();
            }

            public void createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs) {
                k.createTopic(name, assignment, configs);
            }

            public void createTopic(String name, int partitions, Map<String, String> configs) {
                k.createTopic(name, partitions, 3, configs);
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
        cluster.createTopic(TOPIC, Map.of(0, List.of(1, 2, 3), 1, List.of(1, 3, 2), 2, List.of(1, 2, 3)), MIN_ISR_2);
        cluster.createTopic(OUT, 1, MIN_ISR_2);
        cluster.createTopic(CONFIG, 1, Map.of("cleanup.policy", "compact", "min.insync.replicas", "2"));
        assertThat(TopicLayout.read(cluster.admin(), TOPIC, REQUEST).counts().leaders())
                .as("the topic starts skewed").containsEntry(1, BASE);
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
            StreamExpansion twice = expansionRefusingCutoverWhileReassigning("stream_1", BASE * 2);
            assertCompleted(twice.cutover());
            awaitMoreCopied(copied, 3_000);
            assertThat(endOffset(BASE * 2 - 1)).as("the last partition gets records after the 2x flip").isPositive();
            assertCompleted(twice.rollback("test rollback"));
            awaitMoreCopied(copied, 3_000);
            twice.close();
            StreamExpansion thrice = expansion("stream_2", BASE * 3);
            assertCompleted(thrice.cutover());
            awaitMoreCopied(copied, 3_000);
            assertThat(endOffset(BASE * 3 - 1)).as("the last partition gets records after the 3x flip").isPositive();
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
            List<Long> got = out.get(e.getKey());
            assertThat(got).as("output sequence of key %s (%s)", e.getKey(), firstDifference(expected, got))
                    .isEqualTo(expected);
        }
        assertThat(holds).as("the hand-off held new partitions at least once").isNotEmpty();
    }

    /** Where two sequences first differ, with a few values either side (the assertion elides long lists). */
    private static String firstDifference(List<Long> expected, List<Long> got) {
        if (got == null) {
            return "no output";
        }
        int i = 0;
        while (i < expected.size() && i < got.size() && expected.get(i).equals(got.get(i))) {
            i++;
        }
        if (i == expected.size() && i == got.size()) {
            return "equal";
        }
        return "first difference at index " + i + ": expected " + expected.subList(Math.max(0, i - 3),
                Math.min(expected.size(), i + 6)) + ", got " + got.subList(Math.max(0, i - 3), Math.min(got.size(), i + 6))
                + "; sizes " + expected.size() + " and " + got.size();
    }

    private StreamExpansion open(String id, int partitions, PartitionReassigner reassigner) {
        return StreamExpansion.open(id, cluster.bootstrapServers(), CONFIG, (short) 3, null, state.resolve(id), TOPIC,
                partitions, reassigner, null, 1024L * 1024, Duration.ofMillis(100));
    }

    private StreamExpansion expansion(String id, int partitions) throws Exception {
        StreamExpansion e = open(id, partitions, REASSIGNER);
        e.expand();
        assertThat(e.phase()).isEqualTo(RebalancePhase.EXPANDED);
        assertBalanced(e, false);
        return e;
    }

    /**
     * Expands with the reassignment's end held back by the test: the cutover is refused (naming the reassignment)
     * until the reassignment is released and done.
     */
    private StreamExpansion expansionRefusingCutoverWhileReassigning(String id, int partitions) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        StreamExpansion e = open(id, partitions, held(REASSIGNER, release));
        Thread expanding = thread("expand-" + id, e::expand);
        expanding.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> e.phase() != RebalancePhase.STARTING);
            assertThat(e.phase()).isEqualTo(RebalancePhase.EXPANDED);
            CutoverResult refused = e.cutover();
            assertThat(refused.completed()).isFalse();
            assertThat(refused.reason()).contains("reassignment of topic " + TOPIC + " is still running");
        } finally {
            release.countDown();
        }
        expanding.join(120_000);
        assertThat(expanding.isAlive()).as("expansion with its reassignment ended").isFalse();
        assertBalanced(e, true);
        return e;
    }

    /** {@code delegate}, whose run is reported unfinished until {@code release} is counted down. */
    private static PartitionReassigner held(PartitionReassigner delegate, CountDownLatch release) {
        return (admin, topic, throttle) -> {
            PartitionReassigner.Running run = delegate.start(admin, topic, throttle);
            return new PartitionReassigner.Running() {
                public PartitionReassigner.Report report() {
                    PartitionReassigner.Report r = run.report();
                    return release.getCount() == 0 ? r : new PartitionReassigner.Report(r.state(), false, r.details());
                }

                public PartitionReassigner.Report await(Duration timeout) throws InterruptedException {
                    release.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return release.getCount() == 0 ? run.await(timeout) : report();
                }

                public void cancel() {
                    run.cancel();
                }
            };
        };
    }

    /** Leaders and replicas per broker within 1 of even, read from the cluster and shown by the status JSON. */
    private static void assertBalanced(StreamExpansion e, boolean skewedBefore) throws Exception {
        BrokerCounts now = TopicLayout.read(cluster.admin(), TOPIC, REQUEST).counts();
        assertThat(now.withinOneOfEven()).as("leaders %s, replicas %s", now.leaders(), now.replicas()).isTrue();
        assertThat(now.leaders().keySet()).containsExactly(1, 2, 3);
        JsonNode status = JSON.readTree(JSON.writeValueAsString(e.status()));
        JsonNode reassignment = status.get("reassignment");
        assertThat(reassignment.get("state").asText()).as(reassignment.toString()).isEqualTo("done");
        assertThat(reassignment.get("partitionsDone").asInt()).isEqualTo(reassignment.get("partitionsTotal").asInt());
        if (skewedBefore) {
            assertThat(reassignment.at("/before/withinOneOfEven").asBoolean()).as("before: %s",
                    reassignment.get("before")).isFalse();
            assertThat(reassignment.get("partitionsTotal").asInt()).as("partitions the plan changed").isPositive();
        }
        assertThat(reassignment.at("/after/withinOneOfEven").asBoolean()).isTrue();
        for (int b : now.leaders().keySet()) {
            assertThat(reassignment.at("/after/leaders/" + b).asInt()).isEqualTo(now.leaders().get(b));
            assertThat(reassignment.at("/after/replicas/" + b).asInt()).isEqualTo(now.replicas().get(b));
        }
        boolean balancedGate = false;
        for (JsonNode gate : status.get("gates")) {
            if (gate.get("gate").asText().equals("balanced")) {
                balancedGate = gate.get("passed").asBoolean();
            }
        }
        assertThat(balancedGate).as("gate balanced in %s", status.get("gates")).isTrue();
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
