package io.shardshift.sink.pg.internal;

import io.shardshift.core.sink.RejectedEvent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What one transaction of a sink did: rows changed per table and kind of write, and the events rejected. */
public final class ApplyOutcome {
    private final Map<String, EnumMap<WriteKind, Long>> changed = new HashMap<>();
    private final List<RejectedEvent> rejected = new ArrayList<>();

    /** Adds rows changed by a write. */
    public void changed(String table, WriteKind kind, long rows) {
        changed.computeIfAbsent(table, t -> new EnumMap<>(WriteKind.class)).merge(kind, rows, Long::sum);
    }

    /** Adds a rejected event. */
    public void reject(RejectedEvent event) {
        rejected.add(event);
    }

    /** Rows changed in a table by a kind of write. */
    public long changed(String table, WriteKind kind) {
        EnumMap<WriteKind, Long> m = changed.get(table);
        return m == null ? 0 : m.getOrDefault(kind, 0L);
    }

    public List<RejectedEvent> rejected() {
        return rejected;
    }
}
