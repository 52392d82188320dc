package io.shardshift.core.spec;

import java.util.List;
import java.util.Optional;

import static io.shardshift.core.spec.SpecKey.optional;
import static io.shardshift.core.spec.SpecKey.required;
import static io.shardshift.core.spec.SpecKey.withDefault;

/**
 * The catalogue of spec keys: every field of {@link MigrationSpec} and the records under it, with its type,
 * default (from {@link SpecDefaults}) and a one-line doc, in the order a spec is written. {@link SpecDoc}
 * renders it for the README and the command line; {@code SpecKeysTest} fails when a record field has no
 * entry here.
 */
public final class SpecKeys {
    private static final String NAME = "<name>";

    private static final List<SpecKey> ALL = List.of(
            required("name", "string", "The migration's name, `[a-z][a-z0-9_]*` (at most 40 characters); it names"
                    + " the replication slot, publication, topics and consumer group."),
            required("source", "section", "The source PostgreSQL database, read through logical replication."),
            required("source.jdbcUrl", "JDBC URL", "The source database, `jdbc:postgresql://host:port/db`."),
            required("source.user", "string", "A user with the REPLICATION attribute and SELECT on the tables."),
            optional("source.password", "secret", "The source user's password; write `${env:NAME}` to take it"
                    + " from the environment."),
            withDefault("source.slotName", "slot name", SpecDefaults.SLOT_PREFIX + NAME,
                    "The logical replication slot: lower-case letters, digits and `_`."),
            withDefault("source.publication", "SQL identifier", SpecDefaults.SLOT_PREFIX + NAME,
                    "The publication of the migrated tables."),
            required("tables", "list", "The tables to migrate; at least one."),
            required("tables[].name", "table", "`schema.table`, or `table` for `public.table`, read with"
                    + " PostgreSQL's rules: unquoted names fold to lower case, any other name is double-quoted, e.g."
                    + " `name: 'public.\"Order Items\"'`. Its change topic escapes what Kafka does not allow"
                    + " (`public.Order-20Items`)."),
            withDefault("tables[].shardKey", "SQL identifier", "layout.shardKey",
                    "The column whose value routes the table's rows, exactly as named (case-sensitive, no quotes), e.g."
                            + " `tenantId` or `Tenant ID`."),
            withDefault("tables[].targetPartitioning", "same or plain", SpecDefaults.TARGET_PARTITIONING,
                    "`same`: a partitioned source table gets the same partitioning on the targets (strategy, key,"
                            + " partitions with their bounds, default partition); `plain`: one plain table."),
            required("kafka", "section", "The Kafka cluster that carries the change topics."),
            required("kafka.bootstrapServers", "string", "`host:port[,host:port]`."),
            withDefault("kafka.partitions", "int 1-1024", SpecDefaults.KAFKA_PARTITIONS,
                    "Partitions of each change topic: the parallelism across keys."),
            withDefault("kafka.replicationFactor", "int", SpecDefaults.KAFKA_REPLICATION_FACTOR,
                    "Replication factor of the topics Shardshift creates."),
            withDefault("kafka.topicPrefix", "string", SpecDefaults.TOPIC_PREFIX + NAME,
                    "The prefix of every topic of the migration."),
            optional("targets", "list", "The PostgreSQL targets of the new layout; may be absent when there are"
                    + " search targets."),
            required("targets[].name", "string", "The target's name, `[A-Za-z0-9_-]+`, unique among all targets."),
            withDefault("targets[].type", "string", SpecDefaults.TARGET_TYPE, "The target type."),
            required("targets[].jdbcUrl", "JDBC URL", "The target database, `jdbc:postgresql://host:port/db`."),
            required("targets[].user", "string", "A user that may create tables in the target database."),
            optional("targets[].password", "secret", "The target user's password; `${env:NAME}` takes it from"
                    + " the environment."),
            optional("layout", "section", "The new layout; required exactly when there are `targets`."),
            withDefault("layout.generation", "long", SpecDefaults.LAYOUT_GENERATION,
                    "The routing generation this layout becomes at cutover."),
            required("layout.shardKey", "SQL identifier", "The default shard key column."),
            withDefault("layout.buckets", "int 1-" + SpecDefaults.LAYOUT_MAX_BUCKETS, SpecDefaults.LAYOUT_BUCKETS,
                    "Hash buckets: unsigned murmur3_x86_32 of the shard key value, mod buckets."),
            optional("layout.targets", "list of target names", "Targets that get even, contiguous bucket ranges;"
                    + " give this or `bucketMap`."),
            optional("layout.bucketMap", "map of target to ranges", "Each target's bucket ranges, e.g."
                    + " `{pg_a: \"0-31\", pg_b: \"32-63\"}`; give this or `targets`."),
            optional("layout.hotTenants", "map of value to target", "Shard key values with a dedicated target."),
            optional("apply", "section", "Apply tuning."),
            withDefault("apply.batchSize", "int", SpecDefaults.APPLY_BATCH_SIZE, "Events per target write."),
            withDefault("apply.threads", "int", SpecDefaults.APPLY_THREADS, "Kafka Streams threads."),
            withDefault("apply.maxRetries", "int", SpecDefaults.APPLY_MAX_RETRIES,
                    "Retries of a transient target error that is not an outage (a deadlock, say) before the"
                            + " migrator stops."),
            withDefault("apply.outageGiveUp", "duration", SpecDefaults.APPLY_OUTAGE_GIVE_UP,
                    "How long apply waits for a target it cannot reach (down, refusing connections, not answering"
                            + " within " + Durations.format(SpecDefaults.APPLY_SOCKET_TIMEOUT) + "), trying again"
                            + " at most every " + Durations.format(SpecDefaults.APPLY_OUTAGE_MAX_BACKOFF)
                            + ", before the migrator stops; the other targets go on meanwhile."),
            withDefault("apply.backfillParallelism", "int", SpecDefaults.APPLY_BACKFILL_PARALLELISM,
                    "Backfill chunks read at once."),
            withDefault("apply.chunkRows", "int", SpecDefaults.APPLY_CHUNK_ROWS, "Rows per backfill chunk."),
            withDefault("apply.maxRate", "long", "unlimited", "The backfill's highest rate, in rows per second;"
                    + " below it the rate guard sets the rate (additive increase while the source, the targets and"
                    + " the change stream are healthy, halved when one is not)."),
            withDefault("apply.targetLag", "duration", SpecDefaults.APPLY_TARGET_LAG, "The change stream lag"
                    + " (source commit to applied) the backfill's rate guard keeps under: above it the backfill"
                    + " slows down, so streamed changes stay current during a backfill."),
            optional("capture", "section", "Capture tuning."),
            withDefault("capture.groups", "int 1-" + SpecDefaults.CAPTURE_MAX_GROUPS, SpecDefaults.CAPTURE_GROUPS,
                    "Capture groups: the tables are split over this many groups (by on-disk size, recorded once so"
                            + " a restart keeps the split), each with its own publication, replication slot and"
                            + " Debezium engine, so changes are decoded in parallel. Group 0 uses"
                            + " `source.slotName` and `source.publication`; groups 1, 2, ... add `"
                            + SpecDefaults.CAPTURE_GROUP_SUFFIX + "1`, `" + SpecDefaults.CAPTURE_GROUP_SUFFIX
                            + "2`, ... At most the number of tables; the source needs"
                            + " a free replication slot and WAL sender per group."),
            optional("search", "list", "Search targets: SolrCloud collections fed by the same change stream."),
            required("search[].name", "string", "The search target's name, `[A-Za-z0-9_-]+`, unique among all"
                    + " targets."),
            optional("search[].zkHost", "string", "ZooKeeper connect string with chroot, e.g. `zk:2181/solr`;"
                    + " give this or `solrUrls`."),
            optional("search[].solrUrls", "list of URLs", "Solr base URLs, e.g. `http://solr1:8983/solr`; give"
                    + " this or `zkHost`."),
            required("search[].collection", "string", "The alias queries go through and the base of the"
                    + " collection names (`<collection>_v<version>`)."),
            required("search[].version", "int", "The version of the collection to build, at least 1."),
            withDefault("search[].shards", "int", SpecDefaults.SEARCH_SHARDS, "Shards of the new collection."),
            withDefault("search[].replicas", "int", SpecDefaults.SEARCH_REPLICAS, "NRT replicas per shard."),
            required("search[].table", "table", "The source table it indexes (one of `tables`)."),
            withDefault("search[].shardKey", "SQL identifier", "the table's shard key",
                    "The column whose value prefixes the document id (`tenant!id`)."),
            optional("search[].fields", "list", "Columns to index; absent indexes every column with default"
                    + " types."),
            required("search[].fields[].column", "SQL identifier", "The source column."),
            withDefault("search[].fields[].field", "string", "the column name", "The Solr field."),
            withDefault("search[].fields[].type", "Solr type", "from the column type",
                    "The Solr field type, e.g. `pdouble`."),
            optional("search[].hotTenants", "map of value to bits", "Shard key values spread over"
                    + " `shards / 2^bits` shards, bits 0-" + SpecDefaults.SEARCH_MAX_HOT_TENANT_BITS
                    + "; change only together with a new `version`."),
            withDefault("search[].commitWithinMs", "int", SpecDefaults.SEARCH_COMMIT_WITHIN_MS,
                    "How soon written documents become searchable (soft commit)."),
            optional("tenants", "list of strings", "Move only the rows of these shard key values (a tenant"
                    + " rehome); every other row stays live on the source."),
            optional("cutover", "section", "How the migration cuts over. Durations: `500ms`, `5s`, `2m`, `1h` or"
                    + " `PT5S`."),
            withDefault("cutover.auto", "boolean", SpecDefaults.CUTOVER_AUTO,
                    "Cut over by itself once every gate passes."),
            withDefault("cutover.maxLagMillis", "long", SpecDefaults.CUTOVER_MAX_LAG_MILLIS,
                    "The lag gate: apply lag under this bound..."),
            withDefault("cutover.stableFor", "duration", SpecDefaults.CUTOVER_STABLE_FOR,
                    "...held for this long."),
            withDefault("cutover.gateTimeout", "duration", SpecDefaults.CUTOVER_GATE_TIMEOUT,
                    "How long a cutover waits for its gates."),
            withDefault("cutover.freezeTimeout", "duration", SpecDefaults.CUTOVER_FREEZE_TIMEOUT,
                    "How long the freeze waits for in-flight write transactions."),
            withDefault("cutover.drainTimeout", "duration", SpecDefaults.CUTOVER_DRAIN_TIMEOUT,
                    "How long the frozen cutover waits for the targets to reach the fence."),
            withDefault("cutover.observationWindow", "duration", SpecDefaults.CUTOVER_OBSERVATION_WINDOW,
                    "How long reverse replication keeps the old layout current; a rollback after it is refused."),
            withDefault("cutover.verify", "boolean", SpecDefaults.CUTOVER_VERIFY,
                    "Whether a clean online verification is a gate."),
            optional("cutover.slo", "section", "The SLO gate: sample reads on the new targets just before the"
                    + " freeze; no SLO gate without it."),
            withDefault("cutover.slo.maxP95Millis", "number", SpecDefaults.SLO_MAX_P95_MILLIS,
                    "Query latency p95 bound."),
            withDefault("cutover.slo.maxErrorRate", "number 0-1", SpecDefaults.SLO_MAX_ERROR_RATE,
                    "Failed / sampled queries bound."),
            withDefault("cutover.slo.samples", "int", SpecDefaults.SLO_SAMPLES, "Queries per target."),
            optional("cutover.shadowReads", "section", "The shadow-read gate: agreement records on `<prefix>.shadow`"
                    + " (shadow reads, `shardshift shadow replay`); no shadow-read gate without it."),
            withDefault("cutover.shadowReads.minReads", "int", SpecDefaults.SHADOW_MIN_READS,
                    "Compared reads needed in the window..."),
            withDefault("cutover.shadowReads.maxMismatchRate", "number 0-1", SpecDefaults.SHADOW_MAX_MISMATCH_RATE,
                    "...with (mismatches + errors) / reads at most this."),
            withDefault("cutover.shadowReads.window", "duration", SpecDefaults.SHADOW_WINDOW,
                    "How far back records count."));

    private SpecKeys() {
    }

    /** Every key, in the order a spec is written. */
    public static List<SpecKey> all() {
        return ALL;
    }

    /** The key with this path, e.g. {@code cutover.stableFor} or {@code targets[].jdbcUrl}. */
    public static Optional<SpecKey> find(String path) {
        return ALL.stream().filter(k -> k.path().equals(path)).findFirst();
    }
}
