package io.shardshift.core.spec;

import java.time.Duration;

/**
 * The default of every optional spec key, and the few fixed settings that are not (yet) spec keys. The
 * {@code ...OrDefault()} methods of the spec records, {@link SpecKeys} (the documented catalogue) and the
 * sinks all read these constants, so a default is written down once.
 */
public final class SpecDefaults {
    /** {@code source.slotName} and {@code source.publication}: this prefix and the migration's name. */
    public static final String SLOT_PREFIX = "shardshift_";
    /** {@code kafka.topicPrefix}: this prefix and the migration's name. */
    public static final String TOPIC_PREFIX = "shardshift.";
    /** {@code kafka.partitions}. */
    public static final int KAFKA_PARTITIONS = 8;
    /** {@code kafka.replicationFactor}. */
    public static final int KAFKA_REPLICATION_FACTOR = 1;

    /** {@code targets[].type}: the only PostgreSQL target type. */
    public static final String TARGET_TYPE = TargetSpec.POSTGRES;

    /** {@code layout.generation}. */
    public static final long LAYOUT_GENERATION = 1;
    /** {@code layout.buckets}. */
    public static final int LAYOUT_BUCKETS = 64;
    /** The largest {@code layout.buckets}. */
    public static final int LAYOUT_MAX_BUCKETS = 65_536;

    /** {@code apply.batchSize}. */
    public static final int APPLY_BATCH_SIZE = 1000;
    /** {@code apply.threads}. */
    public static final int APPLY_THREADS = 2;
    /** {@code apply.maxRetries}. */
    public static final int APPLY_MAX_RETRIES = 5;
    /** {@code apply.outageGiveUp}. */
    public static final Duration APPLY_OUTAGE_GIVE_UP = Duration.ofMinutes(30);
    /** Fixed, not a spec key: the longest pause between two tries of a target that cannot be reached. */
    public static final Duration APPLY_OUTAGE_MAX_BACKOFF = Duration.ofSeconds(5);
    /**
     * Fixed, not a spec key: how long apply waits for a target's answer on an open connection before it
     * takes the connection for dead (a network stall), and how long it waits to connect.
     */
    public static final Duration APPLY_SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** {@code apply.backfillParallelism}. */
    public static final int APPLY_BACKFILL_PARALLELISM = 4;
    /** {@code apply.chunkRows}. */
    public static final int APPLY_CHUNK_ROWS = 50_000;
    /** {@code apply.maxRate}: unlimited, the backfill's rate guard alone sets the rate. */
    public static final long APPLY_MAX_RATE = Long.MAX_VALUE;
    /** {@code apply.targetLag}. */
    public static final Duration APPLY_TARGET_LAG = Duration.ofSeconds(2);

    /** {@code capture.groups}. */
    public static final int CAPTURE_GROUPS = 1;
    /** The most {@code capture.groups}: each takes a replication slot and a WAL sender on the source. */
    public static final int CAPTURE_MAX_GROUPS = 32;
    /** Fixed, not a spec key: what names capture group {@code i > 0}'s slot and publication after group 0's. */
    public static final String CAPTURE_GROUP_SUFFIX = "_g";

    /** {@code tables[].targetPartitioning}. */
    public static final String TARGET_PARTITIONING = "plain";
    /** {@code search[].shards}. */
    public static final int SEARCH_SHARDS = 2;
    /** {@code search[].replicas}. */
    public static final int SEARCH_REPLICAS = 1;
    /** {@code search[].commitWithinMs}. */
    public static final int SEARCH_COMMIT_WITHIN_MS = 1000;
    /** The largest {@code search[].hotTenants} routing bits (16 = no spread, as a plain id). */
    public static final int SEARCH_MAX_HOT_TENANT_BITS = 16;
    /** Fixed, not a spec key: documents per Solr update request. */
    public static final int SEARCH_BATCH_SIZE = 1000;
    /** Fixed, not a spec key: retries of a failed Solr request on transient errors. */
    public static final int SEARCH_MAX_RETRIES = 6;
    /** Fixed, not a spec key: first Solr retry delay in ms, doubled on each retry. */
    public static final int SEARCH_RETRY_BACKOFF_MS = 200;

    /** {@code cutover.auto}. */
    public static final boolean CUTOVER_AUTO = false;
    /** {@code cutover.maxLagMillis}. */
    public static final long CUTOVER_MAX_LAG_MILLIS = 1000;
    /** {@code cutover.stableFor}. */
    public static final Duration CUTOVER_STABLE_FOR = Duration.ofSeconds(5);
    /** {@code cutover.gateTimeout}. */
    public static final Duration CUTOVER_GATE_TIMEOUT = Duration.ofMinutes(2);
    /** {@code cutover.freezeTimeout}. */
    public static final Duration CUTOVER_FREEZE_TIMEOUT = Duration.ofSeconds(5);
    /** {@code cutover.drainTimeout}. */
    public static final Duration CUTOVER_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** {@code cutover.observationWindow}. */
    public static final Duration CUTOVER_OBSERVATION_WINDOW = Duration.ofMinutes(30);
    /** {@code cutover.verify}. */
    public static final boolean CUTOVER_VERIFY = true;
    /** Fixed, not a spec key: how long a cutover's config topic write may take. */
    public static final Duration CUTOVER_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    /** {@code cutover.slo.maxP95Millis}. */
    public static final double SLO_MAX_P95_MILLIS = 100;
    /** {@code cutover.slo.maxErrorRate}. */
    public static final double SLO_MAX_ERROR_RATE = 0.01;
    /** {@code cutover.slo.samples}. */
    public static final int SLO_SAMPLES = 50;
    /** {@code cutover.shadowReads.minReads}. */
    public static final int SHADOW_MIN_READS = 100;
    /** {@code cutover.shadowReads.maxMismatchRate}. */
    public static final double SHADOW_MAX_MISMATCH_RATE = 0.0;
    /** {@code cutover.shadowReads.window}. */
    public static final Duration SHADOW_WINDOW = Duration.ofMinutes(10);

    private SpecDefaults() {
    }
}
