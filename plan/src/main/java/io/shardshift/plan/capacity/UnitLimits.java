package io.shardshift.plan.capacity;

/**
 * What one unit (a Kafka partition, a Solr shard, a PostgreSQL target) carries.
 *
 * @param name          what a unit is, for messages, e.g. {@code partition}
 * @param mbPerSec      megabytes per second one unit takes
 * @param recordsPerSec records per second one unit takes
 */
public record UnitLimits(String name, double mbPerSec, double recordsPerSec) {
    public UnitLimits {
        if (!(mbPerSec > 0) || !(recordsPerSec > 0)) {
            throw new IllegalArgumentException(name + " limits must be positive (mbPerSec=" + mbPerSec
                    + ", recordsPerSec=" + recordsPerSec + ")");
        }
    }

    /**
     * A change topic partition as the apply topology consumes it: 10 MB/s and 5,000 records/s (one stream
     * task writing batches of upserts to PostgreSQL). Measure yours and pass your own.
     */
    public static UnitLimits kafkaPartition() {
        return new UnitLimits("partition", 10, 5_000);
    }

    /** A Solr shard indexing with a version guard: 20 MB/s and 20,000 documents/s. */
    public static UnitLimits solrShard() {
        return new UnitLimits("shard", 20, 20_000);
    }
}
