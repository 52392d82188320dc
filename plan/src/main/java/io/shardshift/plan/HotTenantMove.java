package io.shardshift.plan;

/**
 * A hot tenant the proposal gives a dedicated target.
 *
 * @param tenant       the shard key value
 * @param from         the target that holds it now
 * @param to           its dedicated target
 * @param newTarget    whether {@code to} is a target that does not exist yet (a name the planner made up)
 * @param share        the tenant's share of the whole load (weighted, 0 to 1)
 * @param rows         rows that move
 * @param bytes        bytes that move
 * @param writesPerSec the write rate that moves with it
 */
public record HotTenantMove(String tenant, String from, String to, boolean newTarget, double share,
                            long rows, long bytes, double writesPerSec) {
}
