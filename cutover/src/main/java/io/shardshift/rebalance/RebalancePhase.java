package io.shardshift.rebalance;

import com.fasterxml.jackson.annotation.JsonValue;
import io.shardshift.cutover.SwitchKind;

/**
 * Where a {@link Rebalance} stands, written as its wire name in the status answer, e.g.
 * {@code {"phase":"cut-over"}}. The search flag on the config topic uses the names of {@link #CUT_OVER} and
 * {@link #ROLLED_BACK} for its {@code state} too.
 */
public enum RebalancePhase {
    /** Its migration is being started in the background (a stream rebalance: its topic is being expanded). */
    STARTING("starting"),
    /** The initial copy is running. */
    BACKFILL("backfill"),
    /** The copy finished; changes stream to the new layout. */
    STREAMING("streaming"),
    /** A stream rebalance added the partitions; producers still route by the old count until cutover. */
    EXPANDED("expanded"),
    /** The last completed switch was a cutover. */
    CUT_OVER("cut-over"),
    /** The last completed switch was a rollback. */
    ROLLED_BACK("rolled-back"),
    /** It failed to start, or its migration failed. */
    FAILED("failed");

    private final String wireName;

    RebalancePhase(String wireName) {
        this.wireName = wireName;
    }

    /** The phase after a completed switch of this kind: {@link #CUT_OVER} or {@link #ROLLED_BACK}. */
    public static RebalancePhase after(SwitchKind kind) {
        return switch (kind) {
            case CUTOVER -> CUT_OVER;
            case ROLLBACK -> ROLLED_BACK;
        };
    }

    /** The name in JSON and on the config topic. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
