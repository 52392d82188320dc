package io.shardshift.plan.capacity;

import io.shardshift.plan.Units;

import java.util.ArrayList;
import java.util.List;

/**
 * How many partitions or shards a throughput needs:
 * {@code units = ceil(max(MBps / unitMBps, rps / unitRps) * (1 + headroom))}, with the design's 20% headroom
 * by default. A key always lands on one unit, so with fewer distinct keys than that the extra units would
 * stay idle: the estimate is capped at the key count and says so.
 *
 * <pre>{@code
 * new CapacityCalculator().estimate(new Throughput(25, 12_000, 100_000), UnitLimits.kafkaPartition());
 * // 25/10 = 2.5, 12000/5000 = 2.4 -> ceil(2.5 * 1.2) = 3 partitions, bound by bytes
 * }</pre>
 */
public final class CapacityCalculator {
    /** The design's headroom: 20%. */
    public static final double DEFAULT_HEADROOM = 0.2;

    private final double headroom;

    public CapacityCalculator() {
        this(DEFAULT_HEADROOM);
    }

    /** @param headroom the fraction added on top of the need, e.g. 0.2 */
    public CapacityCalculator(double headroom) {
        if (!(headroom >= 0) || Double.isInfinite(headroom)) {
            throw new IllegalArgumentException("headroom must be a finite fraction, not negative, was " + headroom);
        }
        this.headroom = headroom;
    }

    /** The units {@code need} requires with units of {@code unit}'s size. */
    public CapacityEstimate estimate(Throughput need, UnitLimits unit) {
        double byBytes = need.mbPerSec() / unit.mbPerSec();
        double byRecords = need.recordsPerSec() / unit.recordsPerSec();
        String binding = byBytes >= byRecords ? "bytes" : "records";
        long units = Math.max(1, (long) Math.ceil(Math.max(byBytes, byRecords) * (1 + headroom) - 1e-9));
        List<String> notes = new ArrayList<>();
        if (need.distinctKeys() > 0 && units > need.distinctKeys()) {
            notes.add("only " + need.distinctKeys() + " distinct keys: at most " + need.distinctKeys() + " " + unit.name()
                    + "s get records, so " + units + " would leave some idle; use a finer (composite) key to spread"
                    + " the load");
            units = need.distinctKeys();
        }
        if (need.distinctKeys() > 0 && need.distinctKeys() < units * 10L) {
            notes.add(need.distinctKeys() + " keys over " + units + " " + unit.name() + "s: with so few keys per "
                    + unit.name() + " hashing spreads them unevenly; check the key strategy report");
        }
        if (units > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the throughput needs more than " + Integer.MAX_VALUE + " " + unit.name() + "s");
        }
        notes.add(0, Units.number(need.mbPerSec()) + " MB/s needs " + Units.number(byBytes) + ", "
                + Units.number(need.recordsPerSec()) + " records/s needs " + Units.number(byRecords) + " " + unit.name()
                + "s; + " + Units.percent(headroom) + " headroom");
        return new CapacityEstimate((int) units, byBytes, byRecords, binding, headroom, notes);
    }
}
