package io.shardshift.engine.rate;

/**
 * One decision of the backfill's rate guard.
 *
 * @param atMillis when it was taken (epoch ms)
 * @param action   what it did to the rate
 * @param fromRate the rate before, rows per second
 * @param toRate   the rate after, rows per second
 * @param signal   the limiting signal: {@code lag}, {@code source}, {@code standby}, {@code target <name>},
 *                 {@code maxRate}, or {@code none} when nothing limits the rate
 * @param detail   why, for a person, e.g. {@code stream lag 2400 ms over apply.targetLag 2000 ms}
 */
public record RateDecision(long atMillis, Action action, double fromRate, double toRate, String signal,
                           String detail) {
    /** The signal when nothing limits the rate. */
    public static final String NONE = "none";
    /** The change stream's lag. */
    public static final String LAG = "lag";
    /** The source's chunk query latency. */
    public static final String SOURCE = "source";
    /** The replay lag of the source's physical standbys. */
    public static final String STANDBY = "standby";
    /** {@code apply.maxRate}. */
    public static final String MAX_RATE = "maxRate";

    /** What a decision did to the rate. */
    public enum Action {
        /** Raised: additively (or doubled while starting). */
        INCREASE,
        /** Lowered: multiplied by the decrease factor. */
        DECREASE,
        /** Kept. */
        HOLD
    }

    /** The signal naming a target, e.g. {@code target pg_b}. */
    public static String target(String name) {
        return "target " + name;
    }
}
