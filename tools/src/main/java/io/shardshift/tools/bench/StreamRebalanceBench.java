package io.shardshift.tools.bench;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.HandOffGate;
import io.shardshift.client.RoutePartitioner;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.devstack.DevKafka;
import io.shardshift.rebalance.StreamExpansion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code shardshift stream-bench}: the stream rebalance's figures on a real (in-JVM, one-broker) Kafka: the producer
 * pause at the route flip, p50/p99 over {@code --flips} flips (cutover and rollback alternating) with
 * {@code --producers} producers following the config topic; the consumer hand-off delay (how long the
 * {@link HandOffGate} held a partition); and the time to expand a topic holding {@code --records} records (and to
 * flip its route). Exits 1 when the pause p99 misses {@code --goal-ms}.
 */
@Command(name = "stream-bench", mixinStandardHelpOptions = true,
        description = "Measure the stream rebalance: producer pause at the flip, consumer hand-off delay, expand time.")
public final class StreamRebalanceBench implements Callable<Integer> {
    private static final String CONFIG = "bench.config";

    @Option(names = "--flips", defaultValue = "20", description = "Route flips to measure (default ${DEFAULT-VALUE}).")
    int flips;

    @Option(names = "--producers", defaultValue = "4", description = "Producers following the config topic (default ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--records", defaultValue = "1000000", description = "Records in the topic whose expansion is timed (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--goal-ms", defaultValue = "250", description = "Goal for the pause p99, in ms (default ${DEFAULT-VALUE}).")
    long goalMs;

    private final PrintStream out;

    public StreamRebalanceBench() {
        this(System.out);
    }

    StreamRebalanceBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        out.println("stream-bench: starting Kafka (one in-JVM KRaft broker)");
        Path state = Files.createTempDirectory("shardshift-stream-bench");
        try (DevKafka kafka = DevKafka.start()) {
            kafka.createCompactedTopic(CONFIG, 1);
            Flips f = measureFlips(kafka, state);
            long[] expand = measureExpand(kafka, state);
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            out.println();
            out.printf("stream-bench: %d flips (cutover/rollback alternating, 4 -> 8 partitions), %d producers, settle 100 ms%n",
                    flips, producers);
            out.printf("  producer pause at the flip (longest send() block per producer and flip): %s%n", f.pause());
            out.printf("  migrator freeze -> unfreeze per flip: %s%n", f.switchPause());
            out.printf("  consumer hand-off delay (partition held by the gate): %s%n", f.handOff());
            out.printf("  expand a topic of %,d records 4 -> 8 partitions: %d ms (route flip after it: %d ms)%n",
                    records, expand[0], expand[1]);
            out.printf("  load average (1 min) at the end: %.2f (the machine is shared with other work)%n", load);
            boolean met = f.pause().p99() < goalMs;
            out.printf("  goal pause p99 < %d ms: %s%n", goalMs, met ? "met" : "MISSED");
            return met ? 0 : 1;
        }
    }

    private record Flips(Percentiles pause, Percentiles switchPause, Percentiles handOff) {
    }

    private Flips measureFlips(DevKafka kafka, Path state) throws Exception {
        String topic = "bench-flips";
        kafka.createTopic(topic, 4);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger flipNo = new AtomicInteger(-1);
        List<Long> pauses = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            int id = i;
            threads.add(new Thread(() -> produce(kafka, topic, id, running, flipNo, pauses, errors), "bench-producer-" + i));
        }
        List<Long> holds = new CopyOnWriteArrayList<>();
        threads.add(new Thread(() -> consume(kafka, topic, running, holds, errors), "bench-consumer"));
        threads.forEach(Thread::start);
        List<Long> switchPauses = new ArrayList<>();
        try (StreamExpansion e = StreamExpansion.open("bench_stream_1", kafka.bootstrapServers(), CONFIG, (short) 1, null,
                state.resolve("flips"), topic, 8, PartitionReassigner.NOT_REQUESTED, Duration.ofMillis(100))) {
            e.expand();
            Thread.sleep(2_000);
            for (int i = 0; i < flips; i++) {
                flipNo.set(i);
                CutoverResult r = i % 2 == 0 ? e.cutover() : e.rollback("bench");
                if (!r.completed()) {
                    throw new IllegalStateException("flip " + i + " aborted at " + r.failedStep() + ": " + r.reason());
                }
                switchPauses.add(r.pauseMillis());
                Thread.sleep(700);
            }
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("stream-bench: " + errors.size() + " errors, first: " + errors.get(0));
        }
        return new Flips(Percentiles.of(pauses), Percentiles.of(switchPauses), Percentiles.of(holds));
    }

    private static void produce(DevKafka kafka, String topic, int id, AtomicBoolean running, AtomicInteger flipNo,
                                List<Long> pauses, List<String> errors) {
        try (ConfigFollower follower = ConfigFollower.start(kafka.bootstrapServers(), CONFIG, RoutePartitioner.followerConfig())) {
            follower.awaitCaughtUp(Duration.ofSeconds(30));
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
            p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoutePartitioner.class.getName());
            p.put(RoutePartitioner.FOLLOWER, follower);
            Map<Integer, Long> longest = new HashMap<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                long n = 0;
                while (running.get()) {
                    int flip = flipNo.get();
                    long t0 = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, "k" + id + "-" + (n % 100), Long.toString(n++)), (md, ex) -> {
                        if (ex != null) {
                            errors.add(ex.toString());
                        }
                    });
                    long blocked = (System.nanoTime() - t0) / 1_000_000;
                    if (flip >= 0) {
                        longest.merge(flip, blocked, Math::max);
                    }
                    LockSupport.parkNanos(500_000);
                }
            }
            pauses.addAll(longest.values());
        } catch (RuntimeException | InterruptedException e) {
            errors.add("producer " + id + ": " + e);
        }
    }

    private static void consume(DevKafka kafka, String topic, AtomicBoolean running, List<Long> holds, List<String> errors) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        try (ConfigFollower follower = ConfigFollower.start(kafka.bootstrapServers(), CONFIG, RoutePartitioner.followerConfig());
             KafkaConsumer<String, String> in = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            in.subscribe(List.of(topic));
            HandOffGate gate = new HandOffGate(in, follower, topic);
            while (running.get()) {
                var ready = gate.admit(in.poll(Duration.ofMillis(50)));
                if (!ready.isEmpty()) {
                    in.commitSync(HandOffGate.nextOffsets(ready));
                }
            }
            holds.addAll(gate.holdMillis());
        } catch (RuntimeException | InterruptedException e) {
            errors.add("consumer: " + e);
        }
    }

    /** Fills a 4-partition topic with {@code records} records, then times its expansion to 8 and one route flip. */
    private long[] measureExpand(DevKafka kafka, Path state) throws Exception {
        String topic = "bench-big";
        kafka.createTopic(topic, 4);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
        String value = "x".repeat(100);
        out.printf("stream-bench: writing %,d records to %s%n", records, topic);
        List<String> failed = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 100_000), value), (md, ex) -> {
                    if (ex != null && failed.size() < 10) {
                        failed.add(ex.toString());
                    }
                });
            }
            producer.flush();
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("filling " + topic + " failed: " + failed.get(0));
        }
        long t0 = System.nanoTime();
        try (StreamExpansion e = StreamExpansion.open("bench_stream_2", kafka.bootstrapServers(), CONFIG, (short) 1, null,
                state.resolve("big"), topic, 8, PartitionReassigner.NOT_REQUESTED, Duration.ofMillis(100))) {
            e.expand();
            long expanded = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            CutoverResult r = e.cutover();
            if (!r.completed()) {
                throw new IllegalStateException("cutover of " + topic + " aborted: " + r.reason());
            }
            return new long[] {expanded, (System.nanoTime() - t1) / 1_000_000};
        }
    }

    /** Runs the benchmark alone: {@code java -cp ... io.shardshift.tools.bench.StreamRebalanceBench}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamRebalanceBench()).execute(args));
    }
}
