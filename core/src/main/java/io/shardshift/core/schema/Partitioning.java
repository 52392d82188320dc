package io.shardshift.core.schema;

import io.shardshift.core.event.TableId;

import java.util.List;

/**
 * How a partitioned source table is partitioned, for targets that get the same partitioning.
 *
 * @param keyDef       the partition key as {@code pg_get_partkeydef} prints it, e.g. {@code RANGE (day)}
 * @param keyColumns   the partition key's columns; {@code null} for a key with an expression
 * @param partitions   the partitions, each with its bound
 */
public record Partitioning(String keyDef, List<String> keyColumns, List<Partition> partitions) {
    public Partitioning {
        keyColumns = keyColumns == null ? null : List.copyOf(keyColumns);
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition.
     *
     * @param id          the partition's name
     * @param bound       its bound as {@code pg_get_expr(relpartbound)} prints it, e.g.
     *                    {@code FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')} or {@code DEFAULT}
     * @param partitioned whether it is partitioned itself (not supported for the same partitioning)
     */
    public record Partition(TableId id, String bound, boolean partitioned) {
    }
}
