package io.shardshift.plan.capacity;

import io.shardshift.core.layout.Murmur3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Shows how evenly a sample of real keys spreads over {@code n} partitions under each
 * {@link PartitionKeyStrategy}, and which ordering each keeps. Hashes are core's {@link Murmur3}, as for
 * layout buckets.
 *
 * <ul>
 *   <li>{@code HASH}: {@code murmur3(key) mod n}</li>
 *   <li>{@code PER_USER}: {@code murmur3(tenant) mod n}</li>
 *   <li>{@code TIME_BASED}: {@code (epochMillis / window) mod n}</li>
 *   <li>{@code COMPOSITE}: {@code murmur3(tenant + "#" + (murmur3(key) mod fanout)) mod n}</li>
 *   <li>{@code RANDOM}: a seeded random partition per record</li>
 * </ul>
 */
public final class PartitionKeyStrategyReport {
    private final int partitions;
    private final Duration timeWindow;
    private final int compositeFanout;
    private final long seed;

    /**
     * @param partitions      the partitions to spread over
     * @param timeWindow      the width of a time-based partition's window
     * @param compositeFanout how many sub-groups a composite key splits each tenant into
     * @param seed            the seed of the random strategy
     */
    public PartitionKeyStrategyReport(int partitions, Duration timeWindow, int compositeFanout, long seed) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (timeWindow.toMillis() < 1) {
            throw new IllegalArgumentException("timeWindow must be at least 1 ms, was " + timeWindow);
        }
        if (compositeFanout < 1) {
            throw new IllegalArgumentException("compositeFanout must be at least 1, was " + compositeFanout);
        }
        this.partitions = partitions;
        this.timeWindow = timeWindow;
        this.compositeFanout = compositeFanout;
        this.seed = seed;
    }

    /** The spread of every strategy over the sample, in {@link PartitionKeyStrategy} order. */
    public List<StrategySpread> analyze(List<KeySample> sample) {
        List<StrategySpread> spreads = new ArrayList<>();
        for (PartitionKeyStrategy s : PartitionKeyStrategy.values()) {
            spreads.add(spread(s, sample));
        }
        return spreads;
    }

    /** The spread of one strategy over the sample. */
    public StrategySpread spread(PartitionKeyStrategy strategy, List<KeySample> sample) {
        long[] counts = new long[partitions];
        Random random = new Random(seed);
        for (KeySample k : sample) {
            counts[partitionOf(strategy, k, random)]++;
        }
        double mean = (double) sample.size() / partitions;
        long max = 0;
        double squares = 0;
        int empty = 0;
        List<Long> perPartition = new ArrayList<>(partitions);
        for (long c : counts) {
            perPartition.add(c);
            max = Math.max(max, c);
            squares += (c - mean) * (c - mean);
            empty += c == 0 ? 1 : 0;
        }
        double maxOverMean = mean == 0 ? 1.0 : max / mean;
        double cv = mean == 0 ? 0 : Math.sqrt(squares / partitions) / mean;
        return new StrategySpread(strategy, perPartition, maxOverMean, cv, empty, strategy.orderKept());
    }

    private int partitionOf(PartitionKeyStrategy strategy, KeySample k, Random random) {
        return switch (strategy) {
            case HASH -> mod(Murmur3.hash32(k.key(), 0), partitions);
            case PER_USER -> mod(Murmur3.hash32(k.tenant(), 0), partitions);
            case TIME_BASED -> (int) Math.floorMod(Math.floorDiv(k.epochMillis(), timeWindow.toMillis()), (long) partitions);
            case COMPOSITE -> mod(Murmur3.hash32(k.tenant() + "#" + mod(Murmur3.hash32(k.key(), 0), compositeFanout), 0),
                    partitions);
            case RANDOM -> random.nextInt(partitions);
        };
    }

    private static int mod(int hash, int n) {
        return (int) (Integer.toUnsignedLong(hash) % n);
    }
}
