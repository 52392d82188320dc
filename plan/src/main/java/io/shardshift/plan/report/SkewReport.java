package io.shardshift.plan.report;

import io.shardshift.plan.Skew;

import java.util.List;

/**
 * What is wrong with the current layout: the skew of each measured dimension, and every threshold crossed.
 *
 * <p>Dimensions: {@code pg.rows}, {@code pg.bytes}, {@code pg.writesPerSec} per target of the current
 * layout's buckets; {@code solr.docs}, {@code solr.qps} per Solr shard; {@code kafka.recordsPerSec},
 * {@code kafka.lag} per change topic partition. Systems not measured have no dimension.
 *
 * @param dimensions the skew per dimension
 * @param findings   the thresholds crossed
 * @param thresholds the thresholds applied
 * @param notes      what was not measured and why, for people
 */
public record SkewReport(List<Skew> dimensions, List<Finding> findings, Thresholds thresholds, List<String> notes) {
    public static final String PG_ROWS = "pg.rows";
    public static final String PG_BYTES = "pg.bytes";
    public static final String PG_WRITES = "pg.writesPerSec";
    public static final String SOLR_DOCS = "solr.docs";
    public static final String SOLR_QPS = "solr.qps";
    public static final String KAFKA_RATE = "kafka.recordsPerSec";
    public static final String KAFKA_LAG = "kafka.lag";

    public SkewReport {
        dimensions = List.copyOf(dimensions);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    /** The findings of one signal. */
    public List<Finding> findings(Signal signal) {
        return findings.stream().filter(f -> f.signal() == signal).toList();
    }

    /** The skew of a dimension, or null when it was not measured. */
    public Skew dimension(String name) {
        return dimensions.stream().filter(d -> d.dimension().equals(name)).findFirst().orElse(null);
    }
}
