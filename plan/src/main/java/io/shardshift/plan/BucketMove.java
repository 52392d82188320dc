package io.shardshift.plan;

/**
 * One bucket the proposal moves to another target, with the data the move carries.
 *
 * @param bucket       the bucket
 * @param from         its target in the current layout
 * @param to           its target in the proposed layout
 * @param rows         rows in the bucket
 * @param bytes        bytes in the bucket
 * @param writesPerSec the write rate that moves with it
 */
public record BucketMove(int bucket, String from, String to, long rows, long bytes, double writesPerSec) {
}
