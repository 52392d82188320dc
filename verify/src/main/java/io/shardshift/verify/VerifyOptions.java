package io.shardshift.verify;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Verifier#verify} compares and how.
 *
 * @param tables         tables to verify ({@code schema.table} or {@code table}); empty for every table of the spec
 * @param tenant         only rows with this shard key value, or {@code null} for all rows
 * @param chunkRows      keys per chunk (one checksum query per chunk per database)
 * @param parallelism    chunks compared at once, each with its own connections
 * @param repair         whether to re-backfill the keys that differ, then check them again
 * @param recheckTimeout how long one re-check round may wait for the targets to apply up to a source position
 * @param maxRounds      re-check rounds at most before a key that keeps changing is reported as unsettled
 */
public record VerifyOptions(List<String> tables, String tenant, int chunkRows, int parallelism, boolean repair,
                            Duration recheckTimeout, int maxRounds) {

    /** The default keys per chunk. */
    public static final int DEFAULT_CHUNK_ROWS = 10_000;

    public VerifyOptions {
        tables = tables == null ? List.of() : List.copyOf(tables);
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows must be at least 1, was " + chunkRows);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (recheckTimeout == null || recheckTimeout.isNegative() || recheckTimeout.isZero()) {
            throw new IllegalArgumentException("re-check timeout must be positive, was " + recheckTimeout);
        }
        if (maxRounds < 2) {
            throw new IllegalArgumentException("re-check rounds must be at least 2, was " + maxRounds);
        }
    }

    /** Every table, every row, chunks of 10,000 keys, 4 workers, no repair, 60 s per re-check round, 6 rounds. */
    public static VerifyOptions defaults() {
        return new VerifyOptions(List.of(), null, DEFAULT_CHUNK_ROWS, 4, false, Duration.ofSeconds(60), 6);
    }

    public VerifyOptions withTables(List<String> t) {
        return new VerifyOptions(t, tenant, chunkRows, parallelism, repair, recheckTimeout, maxRounds);
    }

    public VerifyOptions withTenant(String t) {
        return new VerifyOptions(tables, t, chunkRows, parallelism, repair, recheckTimeout, maxRounds);
    }

    public VerifyOptions withChunkRows(int n) {
        return new VerifyOptions(tables, tenant, n, parallelism, repair, recheckTimeout, maxRounds);
    }

    public VerifyOptions withParallelism(int n) {
        return new VerifyOptions(tables, tenant, chunkRows, n, repair, recheckTimeout, maxRounds);
    }

    public VerifyOptions withRepair(boolean r) {
        return new VerifyOptions(tables, tenant, chunkRows, parallelism, r, recheckTimeout, maxRounds);
    }

    public VerifyOptions withRecheckTimeout(Duration d) {
        return new VerifyOptions(tables, tenant, chunkRows, parallelism, repair, d, maxRounds);
    }
}
