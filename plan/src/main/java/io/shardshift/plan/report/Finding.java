package io.shardshift.plan.report;

/**
 * A threshold a measured value crossed.
 *
 * @param signal    which signal
 * @param subject   what crossed it, e.g. {@code tenant 'acme'}, {@code pg target pg_b},
 *                  {@code partition shardshift.demo.changes.public.orders-3}
 * @param value     the measured value
 * @param threshold the threshold
 * @param message   one line for people
 */
public record Finding(Signal signal, String subject, double value, double threshold, String message) {
}
