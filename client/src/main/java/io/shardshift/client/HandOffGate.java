package io.shardshift.client;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer side of a route flip, for a plain {@link org.apache.kafka.clients.consumer.KafkaConsumer} in a
 * read-process-write loop: {@link #admit} returns the records of a poll that may be processed now and, for a
 * partition whose next record must wait ({@link HandOffRule}), seeks back to that record and pauses the
 * partition, so nothing is buffered; a later {@code admit} resumes it once its sources are done.
 *
 * <pre>{@code
 * HandOffGate gate = new HandOffGate(consumer, follower, "orders-events");
 * while (running) {
 *     List<ConsumerRecord<String, String>> ready = gate.admit(consumer.poll(Duration.ofMillis(100)));
 *     producer.beginTransaction();
 *     ready.forEach(r -> producer.send(...));
 *     producer.sendOffsetsToTransaction(gate.nextOffsets(ready), consumer.groupMetadata());
 *     producer.commitTransaction();
 * }
 * }</pre>
 *
 * Progress of a source partition is this consumer's position on it when assigned here, else the group's committed
 * offset (with transactions: committed together with the output). Records of other topics pass unchanged.
 * Call {@code admit} on every loop, also when the poll was empty, so held partitions are resumed.
 */
public final class HandOffGate {
    private static final int MAX_DELAYS = 10_000;

    private final Consumer<?, ?> consumer;
    private final ConfigFollower follower;
    private final String topic;
    private final Duration syncTimeout;
    private final Map<Integer, Held> held = new HashMap<>();
    private final List<Long> delays = new ArrayList<>();

    private record Held(long offset, long sinceNanos) {
    }

    /** A gate on {@code topic} following its route with {@code follower}; syncs the follower for up to 10 s a poll. */
    public HandOffGate(Consumer<?, ?> consumer, ConfigFollower follower, String topic) {
        this(consumer, follower, topic, Duration.ofSeconds(10));
    }

    /** As above, with the longest wait for the follower to read the config topic up to now. */
    public HandOffGate(Consumer<?, ?> consumer, ConfigFollower follower, String topic, Duration syncTimeout) {
        this.consumer = consumer;
        this.follower = follower;
        this.topic = topic;
        this.syncTimeout = syncTimeout;
    }

    /**
     * The records of {@code polled} that may be processed now, in poll order per partition. First resumes held
     * partitions whose sources are done. When the config topic cannot be read up to now within the sync timeout,
     * admits nothing of the topic and seeks back, so the records come again.
     */
    public <K, V> List<ConsumerRecord<K, V>> admit(ConsumerRecords<K, V> polled) throws InterruptedException {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> paused = consumer.paused();
        held.keySet().removeIf(p -> !paused.contains(new TopicPartition(topic, p)));
        boolean ours = polled.partitions().stream().anyMatch(tp -> tp.topic().equals(topic));
        boolean synced = !ours || follower.awaitSynced(syncTimeout);
        HandOffRule rule = new HandOffRule(follower.streamRoute(topic).map(StreamRoute::flips).orElse(List.of()));
        Progress progress = new Progress(polled, assigned);
        releaseHeld(rule, progress);
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<K, V>> records = polled.records(tp);
            if (!tp.topic().equals(topic)) {
                out.addAll(records);
                continue;
            }
            if (!synced) {
                consumer.seek(tp, records.get(0).offset());
                continue;
            }
            for (ConsumerRecord<K, V> r : records) {
                if (!rule.released(tp.partition(), r.offset(), progress::of)) {
                    consumer.seek(tp, r.offset());
                    consumer.pause(List.of(tp));
                    held.put(tp.partition(), new Held(r.offset(), System.nanoTime()));
                    break;
                }
                out.add(r);
            }
        }
        return out;
    }

    private void releaseHeld(HandOffRule rule, Progress progress) {
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (rule.released(e.getKey(), e.getValue().offset(), progress::of)) {
                consumer.resume(List.of(new TopicPartition(topic, e.getKey())));
                synchronized (delays) {
                    if (delays.size() < MAX_DELAYS) {
                        delays.add((System.nanoTime() - e.getValue().sinceNanos()) / 1_000_000);
                    }
                }
                it.remove();
            }
        }
    }

    /** The partitions held now, with the offset each waits at. */
    public Map<Integer, Long> held() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        held.forEach((p, h) -> out.put(p, h.offset()));
        return out;
    }

    /** How long each released hold lasted, in ms (the first 10,000). */
    public List<Long> holdMillis() {
        synchronized (delays) {
            return List.copyOf(delays);
        }
    }

    /** The offsets to commit after processing {@code records}: per partition, the last offset + 1. */
    public static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<? extends ConsumerRecord<?, ?>> records) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (ConsumerRecord<?, ?> r : records) {
            out.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        return out;
    }

    /** Progress per partition: the position before this poll's records when assigned here, else the group's commit. */
    private final class Progress {
        private final Map<Integer, Long> firstInPoll = new HashMap<>();
        private final Set<TopicPartition> assigned;
        private Map<TopicPartition, OffsetAndMetadata> committed;

        Progress(ConsumerRecords<?, ?> polled, Set<TopicPartition> assigned) {
            this.assigned = assigned;
            for (TopicPartition tp : polled.partitions()) {
                if (tp.topic().equals(topic)) {
                    firstInPoll.put(tp.partition(), polled.records(tp).get(0).offset());
                }
            }
        }

        long of(int partition) {
            Long first = firstInPoll.get(partition);
            if (first != null) {
                return first;
            }
            TopicPartition tp = new TopicPartition(topic, partition);
            if (assigned.contains(tp)) {
                Map<Integer, Long> h = held();
                return h.containsKey(partition) ? h.get(partition) : consumer.position(tp);
            }
            if (committed == null) {
                Set<TopicPartition> all = new HashSet<>();
                int count = consumer.partitionsFor(topic).size();
                for (int p = 0; p < count; p++) {
                    all.add(new TopicPartition(topic, p));
                }
                committed = consumer.committed(all);
            }
            OffsetAndMetadata o = committed.get(tp);
            return o == null ? 0 : o.offset();
        }
    }
}
