package io.shardshift.engine.run;

import io.shardshift.cdc.SnapshotChunk;
import io.shardshift.core.schema.TableSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * This process's member of the backfill's consumer group ({@code <prefix>.backfill}): it takes chunk records
 * from the partitions assigned to it, hands up to {@code parallelism} of them at once to the copy workers,
 * and commits a partition's offset only past chunks whose rows are on the targets (manual commits, in offset
 * order). A chunk still being copied when the process dies stays uncommitted, and whoever the group assigns
 * its partition to next copies it again; one already recorded as copied is skipped.
 */
final class ChunkConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkConsumer.class);

    /** Copies one chunk (a worker's job); returns normally once its rows are on the targets and recorded. */
    @FunctionalInterface
    interface ChunkCopier {
        void copy(TableSchema table, int generation, SnapshotChunk chunk) throws Exception;
    }

    private record Done(TopicPartition partition, long offset, Throwable error) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final Map<String, TableSchema> tables = new HashMap<>();
    private final BackfillLedger ledger;
    private final ExecutorService workers;
    private final int parallelism;
    private final ChunkCopier copier;
    /** Per owned partition: the offsets taken and whether each is copied. */
    private final Map<TopicPartition, TreeMap<Long, Boolean>> taken = new HashMap<>();
    private final BlockingQueue<Done> finished = new LinkedBlockingQueue<>();
    private int inFlight;

    ChunkConsumer(String bootstrapServers, String topic, String group, List<TableSchema> tables, BackfillLedger ledger,
                  ExecutorService workers, int parallelism, ChunkCopier copier) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(parallelism));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.topic = topic;
        tables.forEach(t -> this.tables.put(t.id().toString(), t));
        this.ledger = ledger;
        this.workers = workers;
        this.parallelism = parallelism;
        this.copier = copier;
    }

    /**
     * Takes and copies chunks until {@code enough} holds with nothing left in flight, a copy fails (thrown),
     * or the thread is interrupted or {@link #wakeup()} is called.
     */
    void run(BooleanSupplier enough) throws Exception {
        consumer.subscribe(List.of(topic), new Listener());
        try {
            while (true) {
                Throwable error = settle();
                if (error != null) {
                    throw error instanceof Exception ex ? ex : new IllegalStateException(error);
                }
                if (inFlight == 0 && enough.getAsBoolean()) {
                    return;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (inFlight >= parallelism) {
                    consumer.pause(consumer.assignment());
                } else {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(inFlight > 0 ? 10 : 100))) {
                    take(r);
                }
            }
        } catch (WakeupException | InterruptException e) {
            LOG.info("backfill consumer stopped with {} chunks in flight; they stay uncommitted", inFlight);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                LOG.debug("closing the backfill consumer: {}", e.getMessage());
            }
        }
    }

    /** Makes {@link #run} return soon, from any thread. */
    void wakeup() {
        consumer.wakeup();
    }

    private void take(ConsumerRecord<String, String> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        TreeMap<Long, Boolean> offsets = taken.computeIfAbsent(tp, k -> new TreeMap<>());
        TableSchema table = tables.get(r.key());
        String[] f = r.value() == null ? new String[0] : r.value().split(" ");
        if (table == null || f.length != 4) {
            LOG.warn("chunk record {} at {}-{} offset {} is not a chunk of this migration's tables; skipped",
                    r.value(), tp.topic(), tp.partition(), r.offset());
            offsets.put(r.offset(), true);
            return;
        }
        int generation = Integer.parseInt(f[0]);
        SnapshotChunk chunk = new SnapshotChunk(table.id(), Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        BackfillLedger.Plan plan = ledger.plan(table.id());
        if (plan != null && plan.generation() > generation || ledger.chunkDone(table.id(), generation, chunk.index())) {
            offsets.put(r.offset(), true);
            return;
        }
        offsets.put(r.offset(), false);
        inFlight++;
        workers.execute(() -> {
            Throwable error = null;
            try {
                copier.copy(table, generation, chunk);
            } catch (Throwable e) {
                error = e;
            }
            finished.add(new Done(tp, r.offset(), error));
        });
    }

    /** Marks finished chunks and commits each owned partition past its copied prefix; the first error, if any. */
    private Throwable settle() {
        Throwable error = null;
        Done d;
        while ((d = finished.poll()) != null) {
            inFlight--;
            if (d.error() != null) {
                error = error == null ? d.error() : error;
                continue;
            }
            TreeMap<Long, Boolean> offsets = taken.get(d.partition());
            if (offsets != null && offsets.containsKey(d.offset())) {
                offsets.put(d.offset(), true);
            }
        }
        if (error == null) {
            commit(taken.keySet());
        }
        return error;
    }

    private void commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Boolean> offsets = taken.get(tp);
            Long next = null;
            while (offsets != null && !offsets.isEmpty() && offsets.firstEntry().getValue()) {
                next = offsets.pollFirstEntry().getKey() + 1;
            }
            if (next != null) {
                commits.put(tp, new OffsetAndMetadata(next));
            }
        }
        if (!commits.isEmpty()) {
            try {
                consumer.commitSync(commits);
            } catch (org.apache.kafka.clients.consumer.CommitFailedException
                     | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                LOG.info("backfill offsets {} not committed ({}); a chunk copied again is harmless", commits, e.getMessage());
            }
        }
    }

    /** Commits what is copied of partitions leaving this member, and forgets them. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(partitions);
            partitions.forEach(taken::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("backfill chunk partitions assigned to this process: {} (now {})", partitions, consumer.assignment());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(taken::remove);
        }
    }
}
