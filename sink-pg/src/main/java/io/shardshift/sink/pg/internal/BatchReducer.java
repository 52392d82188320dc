package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.TableId;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reduces a batch to one event per (table, key), as Debezium's JDBC sink {@code ReducedRecordBuffer} does,
 * and groups the survivors by table and {@link WriteKind}. Since every key then appears once, the writes of
 * one batch can run in any order and each statement touches a key at most once.
 *
 * <p>The surviving event is the one the fence would keep if the events were applied one by one: a streamed
 * event beats any snapshot row; among streamed events the highest LSN wins (the later one on a tie); among
 * snapshot rows the first wins, since a snapshot row never overwrites.
 */
public final class BatchReducer {
    private BatchReducer() {
    }

    /** The events of one table, by kind of write, each key once. */
    public record TableBatch(TableId table, Map<WriteKind, List<ChangeEvent>> byKind) {
        /** The events of a kind (maybe empty). */
        public List<ChangeEvent> get(WriteKind kind) {
            return byKind.getOrDefault(kind, List.of());
        }
    }

    private record Key(TableId table, List<String> values) {
    }

    /** Reduces events (in source order) to one per key, grouped by table in name order. */
    public static List<TableBatch> reduce(List<ChangeEvent> events) {
        Map<Key, ChangeEvent> last = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            last.merge(new Key(e.table(), e.keyValues()), e, (prev, next) -> wins(next, prev) ? next : prev);
        }
        Map<String, Map<WriteKind, List<ChangeEvent>>> grouped = new TreeMap<>();
        Map<String, TableId> ids = new LinkedHashMap<>();
        for (ChangeEvent e : last.values()) {
            String name = e.table().toString();
            ids.putIfAbsent(name, e.table());
            grouped.computeIfAbsent(name, n -> new EnumMap<>(WriteKind.class))
                    .computeIfAbsent(WriteKind.of(e), k -> new ArrayList<>()).add(e);
        }
        List<TableBatch> out = new ArrayList<>();
        grouped.forEach((name, byKind) -> out.add(new TableBatch(ids.get(name), byKind)));
        return out;
    }

    /** Whether {@code next}, which came after {@code prev} for the same key, replaces it. */
    static boolean wins(ChangeEvent next, ChangeEvent prev) {
        if (WriteKind.isSnapshot(next)) {
            return false;
        }
        if (WriteKind.isSnapshot(prev)) {
            return true;
        }
        return next.position().lsn() >= prev.position().lsn();
    }
}
