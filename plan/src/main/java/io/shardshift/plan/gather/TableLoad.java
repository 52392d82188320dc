package io.shardshift.plan.gather;

import io.shardshift.core.event.TableId;
import io.shardshift.plan.TenantLoad;

import java.util.List;

/**
 * The load of one source table, per shard key value.
 *
 * @param table          the table
 * @param shardKey       its shard key column
 * @param tenants        the load per shard key value (scaled up when sampled)
 * @param liveTuples     live rows ({@code pg_stat_user_tables.n_live_tup})
 * @param deadTuples     dead rows not yet vacuumed ({@code n_dead_tup})
 * @param writesPerSec   the table's write rate over the window: the larger of the statistics' insert, update
 *                       and delete counters' growth and the rows seen written per tenant
 * @param sampleFraction the fraction of the table read (1.0: every row; less: {@code TABLESAMPLE SYSTEM})
 */
public record TableLoad(TableId table, String shardKey, List<TenantLoad> tenants, long liveTuples, long deadTuples,
                        double writesPerSec, double sampleFraction) {

    public TableLoad {
        tenants = List.copyOf(tenants);
    }

    /** Dead rows over all rows, {@code n_dead_tup / (n_live_tup + n_dead_tup)}; 0 for an empty table. */
    public double bloat() {
        long all = liveTuples + deadTuples;
        return all == 0 ? 0 : (double) deadTuples / all;
    }
}
