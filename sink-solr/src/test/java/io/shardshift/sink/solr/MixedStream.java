package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A source table's history: rows that exist before the slot, then a stream of inserts, updates and
 * deletes (growing LSNs), and a snapshot taken midway; delivered as batches that interleave snapshot
 * chunks with the stream, in stream order per key. The expected result is the final state of the table.
 */
record MixedStream(List<List<ChangeEvent>> batches, Map<String, Map<String, String>> liveRows,
                   Map<String, Long> fences, List<String> deletedIds) {

    static MixedStream generate(Random random, int initialRows, int changes) {
        Map<String, Map<String, String>> state = new LinkedHashMap<>();
        for (int i = 0; i < initialRows; i++) {
            Map<String, String> row = Orders.row("t" + (i % 9), i, i);
            state.put(Orders.docId(row.get("tenant_id"), i), row);
        }
        Map<String, Long> fences = new HashMap<>();
        state.keySet().forEach(id -> fences.put(id, 0L));
        List<ChangeEvent> stream = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<ChangeEvent> snapshot = null;
        long lsn = 10_000;
        long nextId = initialRows;
        for (int c = 0; c < changes; c++) {
            if (c == changes / 3) {
                snapshot = state.values().stream().map(Orders::snapshot).toList();
            }
            lsn += 1 + random.nextInt(20);
            List<String> ids = new ArrayList<>(state.keySet());
            int kind = random.nextInt(10);
            if (kind < 3 || ids.isEmpty()) {
                Map<String, String> row = Orders.row("t" + random.nextInt(9), nextId, (int) nextId);
                nextId++;
                String id = Orders.docId(row.get("tenant_id"), Long.parseLong(row.get("id")));
                state.put(id, row);
                deleted.remove(id);
                stream.add(Orders.insert(row, lsn));
                fences.put(id, lsn);
            } else if (kind < 8) {
                String id = ids.get(random.nextInt(ids.size()));
                Map<String, String> before = state.get(id);
                Map<String, String> after = Orders.row(before.get("tenant_id"), Long.parseLong(before.get("id")),
                        random.nextInt(100_000));
                state.put(id, after);
                stream.add(Orders.update(before, after, lsn));
                fences.put(id, lsn);
            } else {
                String id = ids.get(random.nextInt(ids.size()));
                stream.add(Orders.delete(state.remove(id), lsn));
                deleted.add(id);
                fences.put(id, lsn);
            }
        }
        List<List<ChangeEvent>> batches = interleave(random, stream, snapshot);
        return new MixedStream(batches, state, fences, deleted);
    }

    private static List<List<ChangeEvent>> interleave(Random random, List<ChangeEvent> stream,
                                                      List<ChangeEvent> snapshot) {
        List<ChangeEvent> rows = new ArrayList<>(snapshot);
        Collections.shuffle(rows, random);
        List<List<ChangeEvent>> batches = new ArrayList<>();
        int s = 0;
        int r = 0;
        while (s < stream.size() || r < rows.size()) {
            List<ChangeEvent> batch = new ArrayList<>();
            int take = 1 + random.nextInt(60);
            for (int i = 0; i < take && (s < stream.size() || r < rows.size()); i++) {
                boolean fromStream = r >= rows.size() || (s < stream.size() && random.nextBoolean());
                batch.add(fromStream ? stream.get(s++) : rows.get(r++));
            }
            batches.add(batch);
        }
        return batches;
    }

    long fenceOf(String id) {
        return fences.get(id);
    }
}
