package io.shardshift.plan.capacity;

import io.shardshift.plan.Units;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proposes a new partition count for a keyed Kafka topic from its measured per-partition rates, as a multiple
 * of today's count (expanding by a multiple keeps each old partition's keys together: with {@code n * m}
 * partitions, the keys of old partition {@code p} go to {@code p, p + n, ..., p + (m-1) n}).
 *
 * <p>The multiple is the smallest that gives both
 * <ul>
 *   <li>the partitions the {@link CapacityCalculator} asks for the topic's total rate (per-partition limit and
 *   headroom as given), and</li>
 *   <li>room for the hottest partition: its rate, split {@code m} ways, with headroom under the limit of one
 *   partition (true only if its load comes from many keys; one hot key stays on one partition).</li>
 * </ul>
 * Multiples above 3 are rounded up to a product of 2s and 3s and given as steps (4x = 2x then 2x), since an
 * expansion goes 2x or 3x at a time. A partition whose rate is above {@code hotRatio} times the mean is flagged.
 *
 * <pre>{@code
 * TopicExpansionAdvisor.defaults().advise("orders", Map.of(0, 900.0, 1, 4_100.0, 2, 1_000.0), 0);
 * // 6,000 records/s need 2 partitions (+20%): 3 is enough, but partition 1 at 4,100/s (2.05x the mean) needs
 * // 4,100 * 1.2 / 5,000 = 0.98 -> 1x; so: no expansion, partition 1 flagged hot
 * }</pre>
 */
public final class TopicExpansionAdvisor {
    private final CapacityCalculator calculator;
    private final double headroom;
    private final UnitLimits partition;
    private final double hotRatio;

    /**
     * @param headroom  the fraction added on top of the need, e.g. 0.2
     * @param partition what one partition carries
     * @param hotRatio  a partition above this multiple of the mean rate is hot, at least 1.0
     */
    public TopicExpansionAdvisor(double headroom, UnitLimits partition, double hotRatio) {
        if (!(hotRatio >= 1.0) || Double.isInfinite(hotRatio)) {
            throw new IllegalArgumentException("hotRatio must be a finite number of at least 1.0, was " + hotRatio);
        }
        this.calculator = new CapacityCalculator(headroom);
        this.headroom = headroom;
        this.partition = partition;
        this.hotRatio = hotRatio;
    }

    /** 20% headroom, {@link UnitLimits#kafkaPartition()}, hot above 2.0x the mean (the design's rate skew). */
    public static TopicExpansionAdvisor defaults() {
        return new TopicExpansionAdvisor(CapacityCalculator.DEFAULT_HEADROOM, UnitLimits.kafkaPartition(), 2.0);
    }

    /**
     * @param recordsPerSec partition to records appended per second (every partition of the topic)
     * @param mbPerSec      the topic's MB/s when known, else 0 (then records/s alone decide)
     */
    public TopicExpansion advise(String topic, Map<Integer, Double> recordsPerSec, double mbPerSec) {
        validate(topic, recordsPerSec, mbPerSec);
        TreeMap<Integer, Double> rates = new TreeMap<>(recordsPerSec);
        int n = rates.size();
        double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
        double mean = total / n;
        int hottest = rates.firstKey();
        for (Map.Entry<Integer, Double> e : rates.entrySet()) {
            if (e.getValue() > rates.get(hottest)) {
                hottest = e.getKey();
            }
        }
        double hotRate = rates.get(hottest);
        double ratio = mean > 0 ? hotRate / mean : 0;
        boolean hot = mean > 0 && ratio > hotRatio;

        CapacityEstimate estimate = calculator.estimate(new Throughput(mbPerSec, total, 0), partition);
        int byTotal = (int) Math.ceil(estimate.units() / (double) n);
        int byHottest = (int) Math.ceil(hotRate * (1 + headroom) / partition.recordsPerSec() - 1e-9);
        int needed = Math.max(1, Math.max(byTotal, byHottest));
        List<Integer> steps = steps(needed);
        int multiple = steps.stream().reduce(1, (a, b) -> a * b);

        List<String> notes = new ArrayList<>();
        notes.add(Units.number(total) + " records/s over " + n + " partitions (mean " + Units.number(mean)
                + "/s): the capacity calculator asks for " + estimate.units() + " partitions (" + estimate.notes().get(0) + ")");
        notes.add("hottest partition " + hottest + " at " + Units.number(hotRate) + " records/s needs "
                + byHottest + "x to stay under " + Units.number(partition.recordsPerSec()) + "/s with "
                + Units.percent(headroom) + " headroom");
        if (multiple == 1) {
            notes.add("no expansion needed: " + n + " partitions carry this load");
        } else {
            notes.add("expand " + multiple + "x to " + (n * multiple) + " partitions"
                    + (steps.size() > 1 ? ", in steps " + steps.stream().map(s -> s + "x").toList() : "")
                    + (multiple > needed ? " (" + needed + "x rounded up to 2x/3x steps)" : ""));
        }
        if (hot) {
            notes.add("partition " + hottest + " is hot: " + Units.ratio(ratio) + " the mean rate (threshold "
                    + Units.ratio(hotRatio) + "); an expansion splits it only if its load comes from many keys;"
                    + " one hot key stays on one partition (check 'shardshift plan key-strategy')");
        }
        return new TopicExpansion(topic, n, total, mean, hottest, hotRate, ratio, hot, multiple, n * multiple,
                steps, estimate, notes);
    }

    /** The fewest 2x/3x steps whose product is at least {@code needed}, largest product kept smallest. */
    static List<Integer> steps(int needed) {
        int best = Integer.MAX_VALUE;
        List<Integer> bestSteps = List.of();
        for (long twos = 1, a = 0; twos < 2L * needed * 3; twos *= 2, a++) {
            for (long product = twos, b = 0; product < 2L * needed * 3; product *= 3, b++) {
                if (product >= needed && product < best) {
                    best = (int) product;
                    List<Integer> s = new ArrayList<>();
                    for (int i = 0; i < b; i++) {
                        s.add(3);
                    }
                    for (int i = 0; i < a; i++) {
                        s.add(2);
                    }
                    bestSteps = s;
                }
            }
        }
        return bestSteps;
    }

    private static void validate(String topic, Map<Integer, Double> rates, double mbPerSec) {
        List<String> problems = new ArrayList<>();
        if (topic == null || topic.isBlank()) {
            problems.add("topic: must not be blank");
        }
        if (rates == null || rates.isEmpty()) {
            problems.add("recordsPerSec: no partitions");
        } else {
            new TreeMap<>(rates).forEach((p, r) -> {
                if (r == null || !(r >= 0) || Double.isInfinite(r)) {
                    problems.add("recordsPerSec of partition " + p + ": must be finite and not negative, was " + r);
                }
            });
        }
        if (!(mbPerSec >= 0) || Double.isInfinite(mbPerSec)) {
            problems.add("mbPerSec: must be finite and not negative, was " + mbPerSec);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Cannot size topic " + topic + ": " + String.join("; ", problems));
        }
    }
}
