package io.shardshift.plan.gather;

import io.shardshift.plan.TenantLoad;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load of the source database, per table and per shard key value.
 *
 * @param tables the tables, in spec order
 * @param window how long writes were watched
 */
public record PostgresLoad(List<TableLoad> tables, Duration window) {

    public PostgresLoad {
        tables = List.copyOf(tables);
    }

    /** The load per shard key value, summed over the tables (a value in several tables is one tenant). */
    public List<TenantLoad> tenantLoads() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        Map<String, Double> writes = new LinkedHashMap<>();
        for (TableLoad t : tables) {
            for (TenantLoad l : t.tenants()) {
                long[] s = sums.computeIfAbsent(l.tenant(), k -> new long[2]);
                s[0] += l.rows();
                s[1] += l.bytes();
                writes.merge(l.tenant(), l.writesPerSec(), Double::sum);
            }
        }
        return sums.entrySet().stream()
                .map(e -> new TenantLoad(e.getKey(), e.getValue()[0], e.getValue()[1], writes.get(e.getKey())))
                .toList();
    }
}
