package io.shardshift.cdc;

/**
 * Paces the backfill's reads: before a reader hands the next rows of a chunk to the sink it asks for them
 * with {@link #acquire(int)}, which blocks while the backfill is over its current rate. It also hears how
 * long the source took to deliver rows and the sink took to write them, the health signals a rate guard
 * reads. A pacer only delays: every row of every chunk is still read and written.
 *
 * <p>Implementations are called by every reader thread at once and must be thread-safe.
 */
public interface BackfillPacer {

    /** A pacer that never waits and ignores the timings. */
    BackfillPacer NONE = new BackfillPacer() {
        @Override
        public void acquire(int rows) {
        }

        @Override
        public void sourceRead(long nanos, int rows) {
        }
    };

    /**
     * Waits until {@code rows} more rows may be read.
     *
     * @throws InterruptedException when the reader is interrupted (the backfill is stopping); the chunk then
     *                              fails and is read again by the next run
     */
    void acquire(int rows) throws InterruptedException;

    /**
     * The source delivered {@code rows} rows of a chunk in {@code nanos} (time blocked reading the
     * {@code COPY}, the sink's and the pacer's own time left out).
     */
    void sourceRead(long nanos, int rows);
}
