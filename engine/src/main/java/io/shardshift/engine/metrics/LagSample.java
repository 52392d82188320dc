package io.shardshift.engine.metrics;

import java.util.List;
import java.util.Map;

/**
 * The figures of a running migration at one moment, taken by {@link LagSampler} once a second and shown by
 * the status API, the Prometheus metrics and the dashboard's charts.
 *
 * @param takenAtMillis         when it was taken (epoch ms)
 * @param sourceWalLsn          the source's current WAL position
 * @param capturedLsn           the highest source position capture has handled
 * @param capturePublished      change events capture published in this run
 * @param slotRetainedBytes     WAL the replication slot holds back on the source, -1 if the slot is missing
 * @param slotWalStatus         the slot's {@code wal_status}: reserved, extended, unreserved, lost, or missing
 *                              ({@link io.shardshift.engine.lag.SlotRetention})
 * @param deadLetterTopicEvents records in the dead-letter topic (all runs)
 * @param deadLettersThisRun    dead letters published in this run
 * @param targets               per target: applied position and lag
 * @param partitions            per partition of the change topics: the apply group's consumer lag
 * @param backfill              per table: backfill progress
 * @param captureGroups         per capture group: its slot, tables, position and slot retention; the
 *                              {@code capturedLsn} and slot figures above are the lowest position and the worst slot
 */
public record LagSample(long takenAtMillis, long sourceWalLsn, long capturedLsn, long capturePublished,
                        long slotRetainedBytes, String slotWalStatus, long deadLetterTopicEvents, long deadLettersThisRun,
                        List<TargetLag> targets, List<PartitionLag> partitions, List<TableBackfill> backfill,
                        List<CaptureGroupLag> captureGroups) {

    public LagSample {
        targets = List.copyOf(targets);
        partitions = List.copyOf(partitions);
        backfill = List.copyOf(backfill);
        captureGroups = List.copyOf(captureGroups);
    }

    /** A sample without per-group capture figures. */
    public LagSample(long takenAtMillis, long sourceWalLsn, long capturedLsn, long capturePublished,
                     long slotRetainedBytes, String slotWalStatus, long deadLetterTopicEvents, long deadLettersThisRun,
                     List<TargetLag> targets, List<PartitionLag> partitions, List<TableBackfill> backfill) {
        this(takenAtMillis, sourceWalLsn, capturedLsn, capturePublished, slotRetainedBytes, slotWalStatus,
                deadLetterTopicEvents, deadLettersThisRun, targets, partitions, backfill, List.of());
    }

    /**
     * One capture group at the moment of the sample.
     *
     * @param group             the group's number, 0 first
     * @param slot              its replication slot
     * @param tables            the tables it captures
     * @param state             its engine's state in this process (STARTING, RUNNING, FAILED, STOPPED), or
     *                          NOT_HERE when it does not run in this process
     * @param capturedLsn       the highest source position its engine handled (in this process), or its slot's
     *                          {@code confirmed_flush_lsn} when the engine runs elsewhere
     * @param published         change events it published in this run
     * @param slotRetainedBytes WAL its slot holds back, -1 if the slot is missing
     * @param slotWalStatus     its slot's {@code wal_status}
     * @param holder            the instance id of the migrator process that holds the group's lease (runs its
     *                          engine), empty when none does
     * @param waiting           why this process, which holds the lease, does not run the engine yet (its slot is
     *                          still streamed by the previous holder); empty otherwise
     */
    public record CaptureGroupLag(int group, String slot, List<String> tables, String state, long capturedLsn,
                                  long published, long slotRetainedBytes, String slotWalStatus, String holder,
                                  String waiting) {
        public CaptureGroupLag {
            tables = List.copyOf(tables);
        }
    }

    /** A sample with nothing in it yet, before the first reading. */
    public static LagSample empty(long takenAtMillis) {
        return new LagSample(takenAtMillis, 0, 0, 0, 0, "", 0, 0, List.of(), List.of(), List.of());
    }

    /** Events on the change topics not yet applied, over every partition. */
    public long consumerLagTotal() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }

    /**
     * Lag of one target.
     *
     * @param target           the target (a PostgreSQL database or a Solr collection)
     * @param appliedLsn       the highest source LSN applied to it (at least the slot's consistent point)
     * @param lagBytes         source WAL bytes not yet applied: WAL position minus applied LSN, or minus the
     *                         captured LSN when no event waits on the change topics
     * @param lagSeconds       now minus the commit time of the last applied event while events wait, else 0
     * @param eventsApplied    events applied in this run
     * @param deadLetters      events this target rejected in this run
     * @param latencySamples   streamed events with a commit-to-applied latency sample
     * @param p50LatencyMillis median commit-to-applied latency since the start
     * @param p99LatencyMillis 99th percentile commit-to-applied latency since the start
     * @param recentP99Millis  99th percentile commit-to-applied latency of the last half minute or so
     */
    public record TargetLag(String target, long appliedLsn, long lagBytes, double lagSeconds, long eventsApplied,
                            long deadLetters, long latencySamples, long p50LatencyMillis, long p99LatencyMillis,
                            long recentP99Millis) {
    }

    /**
     * Consumer lag of one partition of a change topic.
     *
     * @param topic     the change topic
     * @param partition the partition
     * @param lag       end offset minus the apply group's committed offset
     */
    public record PartitionLag(String topic, int partition, long lag) {

        /** {@code topic-partition}, as Kafka prints it. */
        public String key() {
            return topic + "-" + partition;
        }
    }

    /**
     * Backfill progress of one table.
     *
     * @param table         the source table
     * @param rowsRead      rows copied so far
     * @param estimatedRows the catalog's estimate of the table's rows, 0 when unknown
     * @param chunksDone    chunks copied
     * @param totalChunks   chunks planned, 0 before the plan
     * @param finished      whether every chunk was copied
     * @param chunksByInstance chunks copied per migrator instance (every process of the migration), by name
     */
    public record TableBackfill(String table, long rowsRead, long estimatedRows, int chunksDone, int totalChunks,
                                boolean finished, Map<String, Integer> chunksByInstance) {

        public TableBackfill {
            chunksByInstance = Map.copyOf(chunksByInstance);
        }

        /** Without the instances' shares. */
        public TableBackfill(String table, long rowsRead, long estimatedRows, int chunksDone, int totalChunks,
                             boolean finished) {
            this(table, rowsRead, estimatedRows, chunksDone, totalChunks, finished, Map.of());
        }

        /** Chunks done as a fraction of chunks planned, 0..1 (1 once finished). */
        public double fraction() {
            return finished ? 1.0 : totalChunks == 0 ? 0.0 : (double) chunksDone / totalChunks;
        }
    }
}
