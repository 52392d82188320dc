package io.shardshift.core.spec;

import java.time.Duration;

/**
 * How the migrator applies changes. Every field is optional; the defaults are {@link SpecDefaults}'s.
 *
 * @param batchSize           events per batch written to a target, default 1000
 * @param threads             Kafka Streams threads, default 2
 * @param maxRetries          retries of a transient target error that is not an outage (a deadlock, say)
 *                            before the migrator stops, default 5
 * @param backfillParallelism concurrent backfill chunk readers, default 4
 * @param chunkRows           rows per backfill chunk, default 50000
 * @param outageGiveUp        how long apply waits for a target that cannot be reached (down, refusing
 *                            connections, not answering) before it stops, default 30m
 * @param maxRate             the backfill's highest rate in rows per second, default unlimited (the rate
 *                            guard alone sets it)
 * @param targetLag           the change stream lag the backfill's rate guard keeps under, default 2s
 */
public record ApplySpec(Integer batchSize, Integer threads, Integer maxRetries,
                        Integer backfillParallelism, Integer chunkRows, String outageGiveUp,
                        Long maxRate, String targetLag) {

    /** The defaults. */
    public static ApplySpec defaults() {
        return new ApplySpec(null, null, null, null, null, null, null, null);
    }

    /** {@code apply.maxRate} in rows per second, or {@link Long#MAX_VALUE} when unlimited (the default). */
    public long maxRateOrDefault() {
        return maxRate == null ? SpecDefaults.APPLY_MAX_RATE : maxRate;
    }

    /** @throws SpecException naming {@code apply.targetLag} when it is not a duration */
    public Duration targetLagOrDefault() {
        return Durations.parse(targetLag, "apply.targetLag", SpecDefaults.APPLY_TARGET_LAG);
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? SpecDefaults.APPLY_BATCH_SIZE : batchSize;
    }

    public int threadsOrDefault() {
        return threads == null ? SpecDefaults.APPLY_THREADS : threads;
    }

    public int maxRetriesOrDefault() {
        return maxRetries == null ? SpecDefaults.APPLY_MAX_RETRIES : maxRetries;
    }

    public int backfillParallelismOrDefault() {
        return backfillParallelism == null ? SpecDefaults.APPLY_BACKFILL_PARALLELISM : backfillParallelism;
    }

    public int chunkRowsOrDefault() {
        return chunkRows == null ? SpecDefaults.APPLY_CHUNK_ROWS : chunkRows;
    }

    /** @throws SpecException naming {@code apply.outageGiveUp} when it is not a duration */
    public Duration outageGiveUpOrDefault() {
        return Durations.parse(outageGiveUp, "apply.outageGiveUp", SpecDefaults.APPLY_OUTAGE_GIVE_UP);
    }
}
