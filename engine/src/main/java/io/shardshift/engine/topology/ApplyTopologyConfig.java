package io.shardshift.engine.topology;

import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.spec.MigrationSpec;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What the apply topology needs to know, validated on construction.
 *
 * @param changeTopics  the change topics to read, one per table
 * @param shardKeys     each table's shard key column
 * @param layout        the new layout the events are routed by; {@code null} for a search-only migration, whose
 *                      events all go to the search targets (then every table must have one)
 * @param batchSize     events buffered per target before a write, at least 1
 * @param flushInterval the longest an event waits in a buffer (wall clock), positive
 * @param searchTargets the search targets of each table, which get every event of it
 * @param tenants       the shard key values whose rows move (a tenant-scoped migration); empty when every row
 *                      moves; events of other rows are dropped (see {@link Router})
 */
public record ApplyTopologyConfig(List<String> changeTopics, Map<TableId, String> shardKeys, Layout layout,
                                  int batchSize, Duration flushInterval, Map<TableId, List<String>> searchTargets,
                                  List<String> tenants) {

    /** The flush interval when the caller gives none. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);

    public ApplyTopologyConfig {
        if (changeTopics == null || changeTopics.isEmpty()) {
            throw new IllegalArgumentException("apply topology: changeTopics must name at least one topic");
        }
        for (int i = 0; i < changeTopics.size(); i++) {
            if (changeTopics.get(i) == null || changeTopics.get(i).isBlank()) {
                throw new IllegalArgumentException("apply topology: changeTopics[" + i + "] is empty");
            }
        }
        if (new LinkedHashSet<>(changeTopics).size() != changeTopics.size()) {
            throw new IllegalArgumentException("apply topology: changeTopics has duplicates: " + changeTopics);
        }
        if (shardKeys == null || shardKeys.isEmpty()) {
            throw new IllegalArgumentException("apply topology: shardKeys must name the shard key of at least one table");
        }
        shardKeys.forEach((table, column) -> {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("apply topology: shardKeys[" + table + "] is empty");
            }
        });
        if (batchSize < 1) {
            throw new IllegalArgumentException("apply topology: batchSize must be at least 1, was " + batchSize);
        }
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("apply topology: flushInterval must be positive, was " + flushInterval);
        }
        searchTargets = searchTargets == null ? Map.of() : Map.copyOf(searchTargets);
        if (layout == null) {
            for (TableId table : shardKeys.keySet()) {
                if (searchTargets.getOrDefault(table, List.of()).isEmpty()) {
                    throw new IllegalArgumentException("apply topology: without a layout every table needs a search"
                            + " target, and " + table + " has none");
                }
            }
        }
        changeTopics = List.copyOf(changeTopics);
        shardKeys = Collections.unmodifiableMap(new LinkedHashMap<>(shardKeys));
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** A configuration that moves every row. */
    public ApplyTopologyConfig(List<String> changeTopics, Map<TableId, String> shardKeys, Layout layout,
                               int batchSize, Duration flushInterval, Map<TableId, List<String>> searchTargets) {
        this(changeTopics, shardKeys, layout, batchSize, flushInterval, searchTargets, List.of());
    }

    /** A configuration without search targets. */
    public ApplyTopologyConfig(List<String> changeTopics, Map<TableId, String> shardKeys, Layout layout,
                               int batchSize, Duration flushInterval) {
        this(changeTopics, shardKeys, layout, batchSize, flushInterval, Map.of());
    }

    /**
     * The configuration of a migration: its tables' change topics and shard keys, its layout (none for a
     * search-only migration), its search targets, its tenants, its batch size, and {@link #DEFAULT_FLUSH_INTERVAL}.
     */
    public static ApplyTopologyConfig from(MigrationSpec spec) {
        Map<TableId, String> keys = new LinkedHashMap<>();
        List<String> topics = spec.tableIds().stream().map(spec::changeTopic).toList();
        Map<TableId, List<String>> search = new LinkedHashMap<>();
        spec.tableIds().forEach(t -> {
            keys.put(t, spec.shardKeyOf(t));
            if (!spec.searchTargetsOf(t).isEmpty()) {
                search.put(t, spec.searchTargetsOf(t));
            }
        });
        Layout layout = spec.hasLayout() ? spec.routing() : null;
        return new ApplyTopologyConfig(topics, keys, layout, spec.applyOrDefaults().batchSizeOrDefault(),
                DEFAULT_FLUSH_INTERVAL, search, spec.tenants());
    }

    /** This configuration with another flush interval. */
    public ApplyTopologyConfig withFlushInterval(Duration interval) {
        return new ApplyTopologyConfig(changeTopics, shardKeys, layout, batchSize, interval, searchTargets, tenants);
    }

    /** This configuration with another batch size. */
    public ApplyTopologyConfig withBatchSize(int size) {
        return new ApplyTopologyConfig(changeTopics, shardKeys, layout, size, flushInterval, searchTargets, tenants);
    }
}
