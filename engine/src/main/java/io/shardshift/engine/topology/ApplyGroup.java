package io.shardshift.engine.topology;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Kafka Streams application of a migration's apply, with its own application id, consumer group and
 * committed offsets: the PostgreSQL targets ({@code <topicPrefix>.apply}: every change topic, routed by the
 * layout) and the search targets ({@code <topicPrefix>.apply-search}: the change topics of the tables that
 * have a search target). Both run the same topology, each with the targets of its kind only.
 *
 * <p>Why two: apply commits an offset only after every target of its group has the events before it, and it
 * waits out a target's outage without committing. In one group a Solr outage would hold the PostgreSQL
 * targets back, and the reverse. Each group advances by itself instead; every target is fenced by source
 * LSN, so each is idempotent on its own, and each still sees a key's events in source order (one partition,
 * one task, per group). What reads "how far apply is" (lag, the drain to a cutover's fence) reads every
 * group: apply is as far as its slowest group.
 *
 * <p>A record both groups read and cannot decode or route is dead-lettered by each of them.
 *
 * @param applicationId the Streams application id, also the consumer group
 * @param kind          {@link #POSTGRES} or {@link #SEARCH}
 * @param config        the topology's configuration: the group's topics and targets
 */
public record ApplyGroup(String applicationId, String kind, ApplyTopologyConfig config) {
    /** The group of the PostgreSQL targets. */
    public static final String POSTGRES = "postgres";
    /** The group of the search targets. */
    public static final String SEARCH = "search";

    /** The groups of a migration: PostgreSQL when it has a layout, search when it has search targets. */
    public static List<ApplyGroup> of(MigrationSpec spec) {
        ApplyTopologyConfig all = ApplyTopologyConfig.from(spec);
        List<ApplyGroup> groups = new ArrayList<>(2);
        if (spec.hasLayout()) {
            groups.add(new ApplyGroup(spec.topicPrefix() + ".apply", POSTGRES,
                    new ApplyTopologyConfig(all.changeTopics(), all.shardKeys(), all.layout(), all.batchSize(),
                            all.flushInterval(), Map.of(), all.tenants())));
        }
        if (!all.searchTargets().isEmpty()) {
            Map<TableId, String> keys = new LinkedHashMap<>();
            List<String> topics = new ArrayList<>();
            for (TableId table : spec.tableIds()) {
                if (all.searchTargets().containsKey(table)) {
                    keys.put(table, all.shardKeys().get(table));
                    topics.add(spec.changeTopic(table));
                }
            }
            groups.add(new ApplyGroup(spec.topicPrefix() + ".apply-search", SEARCH,
                    new ApplyTopologyConfig(topics, keys, null, all.batchSize(), all.flushInterval(),
                            all.searchTargets(), all.tenants())));
        }
        return List.copyOf(groups);
    }

    /** The change topics the group reads. */
    public List<String> topics() {
        return config.changeTopics();
    }
}
