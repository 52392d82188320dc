package io.shardshift.engine.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent samples, oldest first, in a fixed-size ring (e.g. 600 samples: ten minutes at one a
 * second) for the dashboard's charts. Thread-safe.
 */
public final class LagHistory {
    private final LagSample[] ring;
    private int next;
    private int size;

    /** @param capacity the number of samples kept, at least 1 */
    public LagHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ring = new LagSample[capacity];
    }

    /** Adds a sample, dropping the oldest when full. */
    public synchronized void add(LagSample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples taken after {@code sinceMillis} (exclusive), oldest first; 0 for all of them. */
    public synchronized List<LagSample> since(long sinceMillis) {
        List<LagSample> out = new ArrayList<>(size);
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            LagSample s = ring[(start + i) % ring.length];
            if (s.takenAtMillis() > sinceMillis) {
                out.add(s);
            }
        }
        return out;
    }

    /** The number of samples held. */
    public synchronized int size() {
        return size;
    }
}
