package io.shardshift.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How unevenly one dimension of load is spread over a set of shards: {@code ratio = max / mean}, so 1.0 is
 * perfectly even and 2.0 means the busiest shard carries twice the average. With weights (a target of
 * weight 2 should carry twice as much) it is {@code max(value / weight) / (sum(value) / sum(weight))}.
 * An all-zero dimension has ratio 1.0.
 *
 * @param dimension what was measured, e.g. {@code pg.writesPerSec}
 * @param values    the value per shard, in shard order
 * @param max       the largest value
 * @param mean      the mean value
 * @param ratio     the skew, max over mean (weighted as above)
 */
public record Skew(String dimension, Map<String, Double> values, double max, double mean, double ratio) {

    public Skew {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The skew of {@code values}, all shards of weight 1. */
    public static Skew of(String dimension, Map<String, Double> values) {
        return of(dimension, values, Map.of());
    }

    /** The skew of {@code values}; a shard missing from {@code weights} has weight 1. */
    public static Skew of(String dimension, Map<String, Double> values, Map<String, Double> weights) {
        double sum = 0;
        double max = 0;
        double weightSum = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            sum += e.getValue();
            max = Math.max(max, e.getValue());
            weightSum += weights.getOrDefault(e.getKey(), 1.0);
        }
        double mean = values.isEmpty() ? 0 : sum / values.size();
        double ratio = 1.0;
        if (sum > 0) {
            double perWeight = sum / weightSum;
            double worst = 0;
            for (Map.Entry<String, Double> e : values.entrySet()) {
                worst = Math.max(worst, e.getValue() / weights.getOrDefault(e.getKey(), 1.0));
            }
            ratio = worst / perWeight;
        }
        return new Skew(dimension, values, max, mean, ratio);
    }

    /** The shard with the largest value, or null when there is none. */
    public String maxShard() {
        return values.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** The largest value's share of the sum (0 when the sum is 0). */
    public double maxShare() {
        double sum = values.values().stream().mapToDouble(Double::doubleValue).sum();
        return sum <= 0 ? 0 : max / sum;
    }
}
