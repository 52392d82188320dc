package io.shardshift.cutover;

import io.shardshift.client.shadow.ShadowOutcome;
import io.shardshift.client.shadow.ShadowRecord;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The agreement of shadow reads: the records of {@code <prefix>.shadow} ({@link ShadowRecord}, from applications'
 * shadow reads and {@code shardshift shadow replay}) counted per second of their {@code atMillis}, for the
 * {@code cutover.shadowReads} gate, and the latest disagreeing records with both answers, for the API and the
 * dashboard. {@link ShadowFeed} fills it from the topic. Thread-safe.
 */
public final class ShadowAgreement {
    /** How many disagreeing records are kept. */
    public static final int KEPT_MISMATCHES = 100;

    /**
     * The counts of a window.
     *
     * @param window         the window
     * @param reads          compared reads in it
     * @param agree          of which agreed
     * @param mismatch       of which mismatched
     * @param error          of which failed on the new side
     * @param explainedByLag of which differed only by changes newer than the new side's position
     * @param lastMismatch   the latest disagreeing record in the window, or null
     */
    public record Counts(Duration window, long reads, long agree, long mismatch, long error, long explainedByLag,
                         ShadowRecord lastMismatch) {
        /** (mismatch + error) / reads, 0 without reads. */
        public double mismatchRate() {
            return reads == 0 ? 0 : (double) (mismatch + error) / reads;
        }
    }

    private final Duration keep;
    private final LongSupplier clock;
    private final NavigableMap<Long, long[]> perSecond = new TreeMap<>();
    private final Deque<ShadowRecord> mismatches = new ArrayDeque<>();
    private long malformed;

    /**
     * @param keep  how long counts are kept (the largest window asked for)
     * @param clock the time in epoch milliseconds
     */
    public ShadowAgreement(Duration keep, LongSupplier clock) {
        this.keep = keep;
        this.clock = clock;
    }

    /** Counts one record. */
    public synchronized void accept(ShadowRecord r) {
        ShadowOutcome outcome = r.outcomeValue();
        perSecond.computeIfAbsent(r.atMillis() / 1000, s -> new long[ShadowOutcome.values().length])[outcome.ordinal()]++;
        if (outcome.disagrees()) {
            mismatches.addLast(r);
            while (mismatches.size() > KEPT_MISMATCHES) {
                mismatches.removeFirst();
            }
        }
        perSecond.headMap((clock.getAsLong() - keep.toMillis()) / 1000, false).clear();
    }

    /** Counts a record that could not be read (it is neither a read nor an agreement). */
    public synchronized void malformed() {
        malformed++;
    }

    /** Records on the topic that were not shadow records. */
    public synchronized long malformedCount() {
        return malformed;
    }

    /** The counts of the last {@code window} (up to now). */
    public synchronized Counts counts(Duration window) {
        long now = clock.getAsLong();
        long from = (now - window.toMillis()) / 1000;
        long[] sum = new long[ShadowOutcome.values().length];
        for (Map.Entry<Long, long[]> e : perSecond.tailMap(from, true).entrySet()) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += e.getValue()[i];
            }
        }
        ShadowRecord last = null;
        for (ShadowRecord r : mismatches) {
            if (r.atMillis() / 1000 >= from) {
                last = r;
            }
        }
        long reads = 0;
        for (long n : sum) {
            reads += n;
        }
        return new Counts(window, reads, sum[ShadowOutcome.AGREE.ordinal()], sum[ShadowOutcome.MISMATCH.ordinal()],
                sum[ShadowOutcome.ERROR.ordinal()], sum[ShadowOutcome.EXPLAINED_BY_LAG.ordinal()], last);
    }

    /** The latest disagreeing records (mismatches and errors), newest first, at most {@link #KEPT_MISMATCHES}. */
    public synchronized List<ShadowRecord> mismatches() {
        List<ShadowRecord> out = new ArrayList<>(mismatches);
        java.util.Collections.reverse(out);
        return out;
    }
}
