package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.sink.SinkException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An in-memory stand-in for the targets: each target is a map of rows that applies the same fence rules
 * as the real sinks (streamed events apply only above the stored fence; snapshot rows only fill empty keys
 * without tombstones; deletes leave tombstones). Records every batch it was given. Safe to share between
 * stream threads; tests read it once the topology is idle, or through its synchronized methods.
 */
final class RecordingSinks implements SinkFactory {
    private final Map<String, Target> targets = new TreeMap<>();
    private final List<Sink> opened = new ArrayList<>();
    private Function<ChangeEvent, String> rejectWhen = e -> null;
    private String failWith;

    /** Rejects events for which the function returns a reason. */
    RecordingSinks rejecting(Function<ChangeEvent, String> reasonOrNull) {
        this.rejectWhen = reasonOrNull;
        return this;
    }

    /** Makes every write fail with a {@link SinkException}. */
    RecordingSinks failing(String message) {
        this.failWith = message;
        return this;
    }

    @Override
    public synchronized ChangeSink open(String targetName) {
        Sink sink = new Sink(targetName, target(targetName));
        opened.add(sink);
        return sink;
    }

    synchronized Target target(String name) {
        return targets.computeIfAbsent(name, n -> new Target());
    }

    /** The targets that received at least one batch. */
    Map<String, Target> targets() {
        return targets;
    }

    List<Sink> opened() {
        return opened;
    }

    /** Live rows over all targets. */
    synchronized int rowCount() {
        return targets.values().stream().mapToInt(t -> t.rows.size()).sum();
    }

    /** The targets that hold a live row for the key. */
    synchronized List<String> holdersOf(String... key) {
        List<String> out = new ArrayList<>();
        targets.forEach((name, t) -> {
            if (t.row(key) != null) {
                out.add(name);
            }
        });
        return out;
    }

    static final class Target {
        final Map<List<String>, Map<String, String>> rows = new LinkedHashMap<>();
        final Map<List<String>, Long> fences = new HashMap<>();
        final Map<List<String>, Long> tombstones = new HashMap<>();
        final List<List<ChangeEvent>> batches = new ArrayList<>();

        Map<String, String> row(String... key) {
            return rows.get(List.of(key));
        }

        /** Every event received for a key, in order, as "op:lsn". */
        List<String> historyOf(String... key) {
            List<String> out = new ArrayList<>();
            for (List<ChangeEvent> batch : batches) {
                for (ChangeEvent e : batch) {
                    if (e.keyValues().equals(List.of(key))) {
                        out.add(e.op().code() + ":" + e.position().lsn());
                    }
                }
            }
            return out;
        }

        int eventCount() {
            return batches.stream().mapToInt(List::size).sum();
        }

        void apply(ChangeEvent e) {
            List<String> key = e.keyValues();
            Long rowFence = fences.get(key);
            Long tombstone = tombstones.get(key);
            if (e.op() == Operation.READ) {
                if (rowFence == null && tombstone == null) {
                    rows.put(key, e.after());
                    fences.put(key, e.position().fence());
                }
                return;
            }
            long stored = Math.max(rowFence == null ? -1 : rowFence, tombstone == null ? -1 : tombstone);
            if (!e.position().supersedes(stored)) {
                return;
            }
            if (e.op() == Operation.DELETE) {
                rows.remove(key);
                fences.remove(key);
                tombstones.put(key, e.position().lsn());
            } else {
                rows.put(key, e.after());
                fences.put(key, e.position().lsn());
                tombstones.remove(key);
            }
        }
    }

    final class Sink implements ChangeSink {
        private final String name;
        private final Target target;
        volatile boolean closed;

        Sink(String name, Target target) {
            this.name = name;
            this.target = target;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<RejectedEvent> apply(List<ChangeEvent> batch) {
            synchronized (RecordingSinks.this) {
                return applyNow(batch);
            }
        }

        private List<RejectedEvent> applyNow(List<ChangeEvent> batch) {
            if (closed) {
                throw new IllegalStateException("sink " + name + " is closed");
            }
            if (failWith != null) {
                throw new SinkException("target " + name + ": " + failWith);
            }
            List<RejectedEvent> rejected = new ArrayList<>();
            for (ChangeEvent e : batch) {
                String reason = rejectWhen.apply(e);
                if (reason != null) {
                    rejected.add(new RejectedEvent(e, name, reason));
                } else {
                    target.apply(e);
                }
            }
            target.batches.add(List.copyOf(batch));
            return rejected;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
