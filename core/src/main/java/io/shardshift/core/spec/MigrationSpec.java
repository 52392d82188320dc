package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;

import java.util.List;

/**
 * A migration: one source, its tables, the Kafka cluster for the change topics, the targets and the new
 * layout. Loaded and validated once by {@link SpecLoader}; an instance from the loader is valid.
 *
 * <pre>{@code
 * name: orders_reshard
 * source: {jdbcUrl: jdbc:postgresql://db:5432/app, user: shardshift, password: ${env:SOURCE_PASSWORD}}
 * tables: [{name: public.orders}]
 * kafka: {bootstrapServers: kafka:9092, partitions: 8}
 * targets:
 *   - {name: pg_a, jdbcUrl: jdbc:postgresql://a:5432/app, user: app, password: ${env:TARGET_PASSWORD}}
 *   - {name: pg_b, jdbcUrl: jdbc:postgresql://b:5432/app, user: app, password: ${env:TARGET_PASSWORD}}
 * layout: {generation: 2, shardKey: tenant_id, buckets: 64, targets: [pg_a, pg_b]}
 * }</pre>
 *
 * <p>A search-only migration (a new layout for the index alone, PostgreSQL staying the source of truth)
 * has {@code search} targets and no {@code targets} and no {@code layout}; each table's shard key then
 * comes from {@code tables[].shardKey} or from a search target's {@code shardKey}.
 *
 * @param name    the migration's name ({@code [a-z][a-z0-9_]*}); names the slot, topics and consumer group
 * @param source  the source database
 * @param tables  the tables to migrate
 * @param kafka   the Kafka cluster
 * @param targets the PostgreSQL targets of the new layout; may be absent when there are search targets
 * @param layout  the new layout; absent exactly when there are no PostgreSQL targets
 * @param apply   apply tuning, optional
 * @param search  search targets (SolrCloud collections fed by the same change stream), optional
 * @param tenants when given, only rows whose shard key is one of these values move (a tenant rehome):
 *                the backfill, the stream and the verifier see those rows only, and the cutover moves
 *                those tenants alone; every other row stays live on the source
 * @param cutover how the migration cuts over, optional
 * @param capture how the migration captures changes (its capture groups), optional
 */
public record MigrationSpec(@JsonProperty(required = true) String name,
                            @JsonProperty(required = true) SourceSpec source,
                            @JsonProperty(required = true) List<TableSpec> tables,
                            @JsonProperty(required = true) KafkaSpec kafka,
                            List<TargetSpec> targets,
                            LayoutSpec layout,
                            ApplySpec apply,
                            List<SearchTargetSpec> search,
                            List<String> tenants,
                            CutoverSpec cutover,
                            CaptureSpec capture) {

    /** Normalises absent {@code targets} and {@code tenants} sections to empty lists. */
    public MigrationSpec {
        targets = targets == null ? List.of() : targets;
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** True when only some tenants move ({@link #tenants()} is not empty). */
    public boolean tenantScoped() {
        return !tenants.isEmpty();
    }

    /** True when this migration moves the rows of this shard key value (every value when not tenant-scoped). */
    public boolean moves(String shardKeyValue) {
        return tenants.isEmpty() || (shardKeyValue != null && tenants.contains(shardKeyValue));
    }

    /** The cutover settings, with defaults for what the spec leaves out. */
    public CutoverSpec cutoverOrDefaults() {
        return cutover == null ? CutoverSpec.defaults() : cutover;
    }

    /** True when the spec has a PostgreSQL layout; false for a search-only migration. */
    public boolean hasLayout() {
        return layout != null;
    }

    /** The search targets, empty when the spec has none. */
    public List<SearchTargetSpec> searchTargets() {
        return search == null ? List.of() : search;
    }

    /** The names of the search targets that index a table. */
    public List<String> searchTargetsOf(TableId table) {
        return searchTargets().stream().filter(s -> TableId.parse(s.table()).equals(table))
                .map(SearchTargetSpec::name).toList();
    }

    /** The tables as ids, in spec order. */
    public List<TableId> tableIds() {
        return tables.stream().map(t -> TableId.parse(t.name())).toList();
    }

    /** Whether the table's targets get its partitioning ({@code tables[].targetPartitioning: same}). */
    public boolean samePartitioning(TableId table) {
        return tables.stream().anyMatch(t -> t.samePartitioning() && TableId.parse(t.name()).equals(table));
    }

    /**
     * The shard key column of a table: its own, else the layout's, else (without a layout) the
     * {@code shardKey} of the first search target that indexes it and names one.
     *
     * @throws IllegalArgumentException when none of them gives one (a validated spec always has one)
     */
    public String shardKeyOf(TableId table) {
        String field = shardKeyFieldOf(table);
        if (field == null) {
            throw new IllegalArgumentException("table " + table + " has no shard key: give tables[].shardKey, "
                    + "layout.shardKey or search[].shardKey");
        }
        if (field.startsWith("tables[")) {
            return tables.get(indexIn(field)).shardKey();
        }
        if (field.startsWith("search[")) {
            return searchTargets().get(indexIn(field)).shardKey();
        }
        return layout.shardKey();
    }

    /**
     * The spec field that gives a table's shard key ({@code tables[i].shardKey}, {@code layout.shardKey} or
     * {@code search[i].shardKey}), for error messages; {@code null} when nothing gives one.
     */
    public String shardKeyFieldOf(TableId table) {
        for (int i = 0; i < tables.size(); i++) {
            String own = tables.get(i).shardKey();
            if (TableId.parse(tables.get(i).name()).equals(table) && own != null && !own.isBlank()) {
                return "tables[" + i + "].shardKey";
            }
        }
        if (layout != null && layout.shardKey() != null) {
            return "layout.shardKey";
        }
        List<SearchTargetSpec> search = searchTargets();
        for (int i = 0; i < search.size(); i++) {
            SearchTargetSpec s = search.get(i);
            if (s.shardKey() != null && !s.shardKey().isBlank() && TableId.parse(s.table()).equals(table)) {
                return "search[" + i + "].shardKey";
            }
        }
        return null;
    }

    private static int indexIn(String field) {
        return Integer.parseInt(field.substring(field.indexOf('[') + 1, field.indexOf(']')));
    }

    /**
     * The new layout as a routing function.
     *
     * @throws IllegalStateException for a search-only spec, which has no layout (see {@link #hasLayout()})
     */
    public Layout routing() {
        if (layout == null) {
            throw new IllegalStateException("migration " + name + " has no layout: it only feeds search targets");
        }
        return LayoutSpecs.toLayout(layout, "layout");
    }

    /** The apply tuning, with defaults for what the spec leaves out. */
    public ApplySpec applyOrDefaults() {
        return apply == null ? ApplySpec.defaults() : apply;
    }

    /** The prefix of every Kafka topic of this migration. */
    public String topicPrefix() {
        return kafka.topicPrefix() != null ? kafka.topicPrefix() : SpecDefaults.TOPIC_PREFIX + name;
    }

    /**
     * The change topic of a table, e.g. {@code shardshift.demo.changes.public.orders}; names Kafka does not
     * allow are escaped ({@code public."Order Items"} gives {@code ...changes.public.Order-20Items}), see
     * {@link TopicNames}.
     */
    public String changeTopic(TableId table) {
        return TopicNames.tableTopic(topicPrefix() + ".changes", table);
    }

    /** The dead-letter topic of this migration. */
    public String deadLetterTopic() {
        return topicPrefix() + ".dlq";
    }

    /** The replication slot name (of capture group 0, the only one unless {@code capture.groups} is set). */
    public String slotName() {
        return source.slotName() != null ? source.slotName() : SpecDefaults.SLOT_PREFIX + name;
    }

    /** The publication name (of capture group 0, the only one unless {@code capture.groups} is set). */
    public String publicationName() {
        return source.publication() != null ? source.publication() : SpecDefaults.SLOT_PREFIX + name;
    }

    /** The capture settings, with defaults for what the spec leaves out. */
    public CaptureSpec captureOrDefaults() {
        return capture == null ? CaptureSpec.defaults() : capture;
    }

    /** The number of capture groups ({@code capture.groups}, default 1). */
    public int captureGroups() {
        return captureOrDefaults().groupsOrDefault();
    }

    /**
     * The replication slot of a capture group: group 0's is {@link #slotName()}, group {@code i > 0}'s adds
     * {@code _g<i>}, e.g. {@code shardshift_orders_g1}.
     */
    public String slotName(int group) {
        return group == 0 ? slotName() : slotName() + SpecDefaults.CAPTURE_GROUP_SUFFIX + group;
    }

    /** The publication of a capture group, named as {@link #slotName(int)}. */
    public String publicationName(int group) {
        return group == 0 ? publicationName() : publicationName() + SpecDefaults.CAPTURE_GROUP_SUFFIX + group;
    }

    /** The slots of every capture group, group 0 first. */
    public List<String> slotNames() {
        return java.util.stream.IntStream.range(0, captureGroups()).mapToObj(this::slotName).toList();
    }

    /** Partitions of each change topic. */
    public int partitions() {
        return kafka.partitions() == null ? SpecDefaults.KAFKA_PARTITIONS : kafka.partitions();
    }

    /** Replication factor of the topics Shardshift creates. */
    public short replicationFactor() {
        return (short) (kafka.replicationFactor() == null ? SpecDefaults.KAFKA_REPLICATION_FACTOR : kafka.replicationFactor());
    }

    /** The target with this name. */
    public TargetSpec target(String targetName) {
        return targets.stream().filter(t -> t.name().equals(targetName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no target named '" + targetName + "'"));
    }
}
