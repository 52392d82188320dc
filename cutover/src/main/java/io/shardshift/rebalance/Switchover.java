package io.shardshift.rebalance;

import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverResult;

import java.util.Optional;

/** What a rebalance needs of its cutover: run one, roll back, and say which generation is live. */
public interface Switchover extends AutoCloseable {

    /** Runs a cutover now (waits for its gates); the result says whether it completed. */
    CutoverResult cutover();

    /** Makes the previous generation live again. */
    CutoverResult rollback(String reason);

    /** The generation live now. */
    long liveGeneration();

    /** The last cutover or rollback, if any ran. */
    Optional<CutoverResult> lastResult();

    @Override
    void close();

    /** A migration's {@link CutoverController}. */
    static Switchover of(CutoverController controller) {
        return new Switchover() {
            @Override
            public CutoverResult cutover() {
                return controller.cutover();
            }

            @Override
            public CutoverResult rollback(String reason) {
                return controller.rollback(reason);
            }

            @Override
            public long liveGeneration() {
                return controller.liveGeneration();
            }

            @Override
            public Optional<CutoverResult> lastResult() {
                return controller.lastResult();
            }

            @Override
            public void close() {
                controller.close();
            }
        };
    }
}
