package io.shardshift.plan;

import java.util.Objects;

/**
 * The load one shard key value (a tenant) puts on the store, summed over the migrated tables.
 *
 * @param tenant       the shard key value in its PostgreSQL text form ({@code ""} for SQL NULL)
 * @param rows         rows with this value
 * @param bytes        bytes of those rows ({@code pg_column_size} of the row)
 * @param writesPerSec rows written (inserted, updated or deleted) per second with this value
 */
public record TenantLoad(String tenant, long rows, long bytes, double writesPerSec) {

    public TenantLoad {
        Objects.requireNonNull(tenant, "tenant");
        if (rows < 0 || bytes < 0 || !(writesPerSec >= 0) || Double.isInfinite(writesPerSec)) {
            throw new IllegalArgumentException("tenant '" + tenant + "': rows, bytes and writesPerSec must be finite"
                    + " and not negative (rows=" + rows + ", bytes=" + bytes + ", writesPerSec=" + writesPerSec + ")");
        }
    }

    /** This tenant's load as a {@link Load}. */
    public Load load() {
        return new Load(rows, bytes, writesPerSec);
    }
}
