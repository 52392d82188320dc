package io.shardshift.core.spec;

/**
 * How the migrator applies changes. Every field is optional.
 *
 * @param batchSize           events per batch written to a target, default 1000
 * @param threads             Kafka Streams threads, default 2
 * @param maxRetries          retries of a transient target error before the migrator stops, default 5
 * @param backfillParallelism concurrent backfill chunk readers, default 4
 * @param chunkRows           rows per backfill chunk, default 50000
 */
public record ApplySpec(Integer batchSize, Integer threads, Integer maxRetries,
                        Integer backfillParallelism, Integer chunkRows) {

    /** The defaults. */
    public static ApplySpec defaults() {
        return new ApplySpec(null, null, null, null, null);
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? 1000 : batchSize;
    }

    public int threadsOrDefault() {
        return threads == null ? 2 : threads;
    }

    public int maxRetriesOrDefault() {
        return maxRetries == null ? 5 : maxRetries;
    }

    public int backfillParallelismOrDefault() {
        return backfillParallelism == null ? 4 : backfillParallelism;
    }

    public int chunkRowsOrDefault() {
        return chunkRows == null ? 50_000 : chunkRows;
    }
}
