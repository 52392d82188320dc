package io.shardshift.engine.lag;

/**
 * Where the time of one {@link AppliedWatermark#awaitApplied} went, in milliseconds.
 *
 * @param markerMillis     writing the position marker into the source's WAL
 * @param captureMillis    until capture had handled the marker (every change before it is on the topics)
 * @param endOffsetsMillis reading the end offsets of the change topics
 * @param applyMillis      until the apply group's committed offsets reached those end offsets
 * @param committedPolls   how many times the committed offsets were read
 */
public record DrainTimings(long markerMillis, long captureMillis, long endOffsetsMillis, long applyMillis,
                           int committedPolls) {

    /** The whole wait. */
    public long totalMillis() {
        return markerMillis + captureMillis + endOffsetsMillis + applyMillis;
    }

    @Override
    public String toString() {
        return "marker " + markerMillis + " ms, capture " + captureMillis + " ms, end offsets " + endOffsetsMillis
                + " ms, apply commit " + applyMillis + " ms (" + committedPolls + " polls)";
    }
}
