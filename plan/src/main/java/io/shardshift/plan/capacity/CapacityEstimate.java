package io.shardshift.plan.capacity;

import java.util.List;

/**
 * How many units a throughput needs.
 *
 * @param units     the units to provision: {@code ceil(max(byBytes, byRecords) * (1 + headroom))}, at least 1,
 *                  at most the distinct keys when those are known
 * @param byBytes   units the MB/s alone needs, before headroom
 * @param byRecords units the records/s alone needs, before headroom
 * @param binding   {@code "bytes"} or {@code "records"}: which limit decides
 * @param headroom  the headroom applied, e.g. 0.2
 * @param notes     warnings for people (too few keys, ...)
 */
public record CapacityEstimate(int units, double byBytes, double byRecords, String binding, double headroom,
                               List<String> notes) {
    public CapacityEstimate {
        notes = List.copyOf(notes);
    }
}
