package io.shardshift.engine.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The backfill's rate by AIMD (additive increase, multiplicative decrease), decided once per tick from
 * {@link RateSignals}. Pure: no clock, no I/O; the same signals in the same order give the same rates.
 *
 * <ul>
 *   <li><b>Unhealthy</b> (any one is enough): a target apply waits for; a physical standby's replay lag over
 *   {@code apply.targetLag}; the source's or a target's time per 1,000 rows over {@value #SLOW_FACTOR} times its
 *   baseline (and at least {@value #SLOW_SLACK_MILLIS} ms more); the stream's lag over {@code apply.targetLag}.
 *   The rate is then multiplied by {@value #DECREASE_FACTOR} (never below the floor), at most once per
 *   {@value #COOLDOWN_TICKS} ticks, since a lower rate takes a moment to show in the lag; in between it holds.
 *   It also holds when the lag is the only unhealthy signal and it fell since the last tick (it is draining), and
 *   when the lag alone went on growing through {@value #MAX_UNANSWERED} decreases in a row: then something else
 *   holds the stream back (a slow search target, a busy machine), and a slower backfill would only make the
 *   migration longer without making the stream current. A healthy tick or a decrease the lag answers resets this.</li>
 *   <li><b>Near the limit</b> (the lag over half of {@code apply.targetLag}): the rate holds.</li>
 *   <li><b>Healthy</b>: the rate doubles until the first decrease (a quick start), then grows by a fixed step
 *   per tick; it grows only while the backfill reads at half of it or more (otherwise something else limits
 *   the backfill, and a rate it does not use would be a burst later), and never over {@code apply.maxRate}.</li>
 * </ul>
 * The signal named in a decision is the first unhealthy one in the order above, or {@code lag} when holding
 * near the limit.
 */
public final class RateController {
    /** A latency this many times its baseline is unhealthy. */
    static final double SLOW_FACTOR = 4.0;
    /** ...and at least this much over it, so that tiny baselines do not trip on noise. */
    static final double SLOW_SLACK_MILLIS = 20.0;
    static final double DECREASE_FACTOR = 0.5;
    static final int COOLDOWN_TICKS = 3;
    /** The lowest rate: the backfill always moves on. */
    static final double MIN_RATE = 500;
    static final double INITIAL_RATE = 50_000;
    static final double STEP = 10_000;
    /** Decreases in a row the lag did not answer (it grew) after which the lag alone no longer lowers the rate. */
    static final int MAX_UNANSWERED = 3;

    private final double maxRate;
    private final double floor;
    private final double step;
    private double rate;
    private boolean starting = true;
    private int ticksSinceDecrease = COOLDOWN_TICKS;
    private long lastLag = -1;
    private long lagAtLastDecrease = -1;
    private int unanswered;

    /** @param maxRate {@code apply.maxRate} in rows per second ({@link Long#MAX_VALUE}: unlimited) */
    public RateController(long maxRate) {
        this.maxRate = maxRate == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : maxRate;
        this.floor = Math.min(MIN_RATE, this.maxRate);
        this.step = Double.isInfinite(this.maxRate) ? STEP : Math.max(1, Math.min(STEP, this.maxRate / 10));
        this.rate = Math.min(INITIAL_RATE, this.maxRate);
    }

    /** The current rate in rows per second. */
    public double rate() {
        return rate;
    }

    /** {@code apply.maxRate} in rows per second; infinite when unlimited. */
    public double maxRate() {
        return maxRate;
    }

    /**
     * Decides the rate for the next tick.
     *
     * @param s         the signals of the tick that ended
     * @param nowMillis the time to stamp on the decision
     */
    public RateDecision decide(RateSignals s, long nowMillis) {
        ticksSinceDecrease++;
        double before = rate;
        long previousLag = lastLag;
        lastLag = s.lagMillis();
        List<String[]> unhealthy = unhealthy(s);
        if (!unhealthy.isEmpty()) {
            String[] first = unhealthy.get(0);
            String detail = String.join("; ", unhealthy.stream().map(u -> u[1]).toList());
            if (ticksSinceDecrease < COOLDOWN_TICKS) {
                return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, first[0],
                        detail + " (waiting for the last decrease to show)");
            }
            if (unhealthy.size() == 1 && first[0].equals(RateDecision.LAG) && previousLag >= 0
                    && s.lagMillis() < previousLag) {
                return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, first[0],
                        detail + ", falling (from " + previousLag + " ms)");
            }
            boolean lagOnly = unhealthy.size() == 1 && first[0].equals(RateDecision.LAG);
            if (lagOnly) {
                unanswered = lagAtLastDecrease >= 0 && s.lagMillis() >= lagAtLastDecrease ? unanswered + 1 : 0;
                if (unanswered >= MAX_UNANSWERED) {
                    return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, first[0], detail
                            + ", still growing after " + unanswered + " decreases: the backfill is not what holds the"
                            + " stream back");
                }
            } else {
                unanswered = 0;
            }
            lagAtLastDecrease = lagOnly ? s.lagMillis() : -1;
            rate = Math.max(floor, rate * DECREASE_FACTOR);
            starting = false;
            ticksSinceDecrease = 0;
            return new RateDecision(nowMillis, rate < before ? RateDecision.Action.DECREASE : RateDecision.Action.HOLD,
                    before, rate, first[0], detail);
        }
        unanswered = 0;
        lagAtLastDecrease = -1;
        if (s.lagMillis() > s.targetLagMillis() / 2) {
            return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, RateDecision.LAG,
                    "stream lag " + s.lagMillis() + " ms is over half of apply.targetLag " + s.targetLagMillis() + " ms");
        }
        if (rate >= maxRate) {
            return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, RateDecision.MAX_RATE,
                    "at apply.maxRate " + Math.round(maxRate) + " rows/s");
        }
        if (s.observedRowsPerSecond() < rate / 2) {
            return new RateDecision(nowMillis, RateDecision.Action.HOLD, before, rate, RateDecision.NONE,
                    "the backfill read " + Math.round(s.observedRowsPerSecond()) + " rows/s, under half of its rate:"
                            + " something else limits it");
        }
        rate = Math.min(maxRate, starting ? rate * 2 : rate + step);
        return new RateDecision(nowMillis, RateDecision.Action.INCREASE, before, rate,
                rate >= maxRate ? RateDecision.MAX_RATE : RateDecision.NONE,
                "every signal healthy" + (starting ? " (starting: doubling)" : ""));
    }

    /** The unhealthy signals as {signal, detail}, most severe first. */
    private static List<String[]> unhealthy(RateSignals s) {
        List<String[]> out = new ArrayList<>();
        for (String t : s.waitingTargets()) {
            out.add(new String[] {RateDecision.target(t), "apply is waiting for target " + t});
        }
        if (s.standbyReplayLagMillis() > s.targetLagMillis()) {
            out.add(new String[] {RateDecision.STANDBY, "standby replay lag " + s.standbyReplayLagMillis()
                    + " ms over apply.targetLag " + s.targetLagMillis() + " ms"});
        }
        if (slow(s.sourceMillisPer1k(), s.sourceBaselinePer1k())) {
            out.add(new String[] {RateDecision.SOURCE, "source reads " + round(s.sourceMillisPer1k())
                    + " ms per 1k rows, baseline " + round(s.sourceBaselinePer1k())});
        }
        for (Map.Entry<String, Double> e : s.targetMillisPer1k().entrySet()) {
            double baseline = s.targetBaselinePer1k().getOrDefault(e.getKey(), -1.0);
            if (slow(e.getValue(), baseline)) {
                out.add(new String[] {RateDecision.target(e.getKey()), "target " + e.getKey() + " writes "
                        + round(e.getValue()) + " ms per 1k rows, baseline " + round(baseline)});
            }
        }
        if (s.lagMillis() > s.targetLagMillis()) {
            out.add(new String[] {RateDecision.LAG, "stream lag " + s.lagMillis() + " ms over apply.targetLag "
                    + s.targetLagMillis() + " ms"});
        }
        return out;
    }

    private static boolean slow(double current, double baseline) {
        return current >= 0 && baseline > 0 && current > baseline * SLOW_FACTOR && current > baseline + SLOW_SLACK_MILLIS;
    }

    private static String round(double v) {
        return String.valueOf(Math.round(v * 10) / 10.0);
    }
}
