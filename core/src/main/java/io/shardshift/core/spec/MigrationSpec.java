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
 * @param name    the migration's name ({@code [a-z][a-z0-9_]*}); names the slot, topics and consumer group
 * @param source  the source database
 * @param tables  the tables to migrate
 * @param kafka   the Kafka cluster
 * @param targets the targets of the new layout
 * @param layout  the new layout
 * @param apply   apply tuning, optional
 * @param search  search targets (SolrCloud collections fed by the same change stream), optional
 */
public record MigrationSpec(@JsonProperty(required = true) String name,
                            @JsonProperty(required = true) SourceSpec source,
                            @JsonProperty(required = true) List<TableSpec> tables,
                            @JsonProperty(required = true) KafkaSpec kafka,
                            @JsonProperty(required = true) List<TargetSpec> targets,
                            @JsonProperty(required = true) LayoutSpec layout,
                            ApplySpec apply,
                            List<SearchTargetSpec> search) {

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

    /** The shard key column of a table: its own, else the layout's. */
    public String shardKeyOf(TableId table) {
        return tables.stream().filter(t -> TableId.parse(t.name()).equals(table)).findFirst()
                .map(TableSpec::shardKey).filter(k -> k != null && !k.isBlank())
                .orElse(layout.shardKey());
    }

    /** The new layout as a routing function. */
    public Layout routing() {
        return LayoutSpecs.toLayout(layout, "layout");
    }

    /** The apply tuning, with defaults for what the spec leaves out. */
    public ApplySpec applyOrDefaults() {
        return apply == null ? ApplySpec.defaults() : apply;
    }

    /** The prefix of every Kafka topic of this migration. */
    public String topicPrefix() {
        return kafka.topicPrefix() != null ? kafka.topicPrefix() : "shardshift." + name;
    }

    /** The change topic of a table, e.g. {@code shardshift.demo.changes.public.orders}. */
    public String changeTopic(TableId table) {
        return topicPrefix() + ".changes." + table.schema() + "." + table.table();
    }

    /** The dead-letter topic of this migration. */
    public String deadLetterTopic() {
        return topicPrefix() + ".dlq";
    }

    /** The replication slot name. */
    public String slotName() {
        return source.slotName() != null ? source.slotName() : "shardshift_" + name;
    }

    /** The publication name. */
    public String publicationName() {
        return source.publication() != null ? source.publication() : "shardshift_" + name;
    }

    /** Partitions of each change topic. */
    public int partitions() {
        return kafka.partitions() == null ? 8 : kafka.partitions();
    }

    /** Replication factor of the topics Shardshift creates. */
    public short replicationFactor() {
        return (short) (kafka.replicationFactor() == null ? 1 : kafka.replicationFactor());
    }

    /** The target with this name. */
    public TargetSpec target(String targetName) {
        return targets.stream().filter(t -> t.name().equals(targetName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no target named '" + targetName + "'"));
    }
}
