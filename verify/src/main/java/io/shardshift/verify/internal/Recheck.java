package io.shardshift.verify.internal;

import io.shardshift.core.layout.Layout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-checks candidate keys by position while writes go on. Each round: read the source rows of the keys
 * locked {@code FOR SHARE} and take the WAL position L in the same transaction (a later change of a
 * locked row must wait for the lock, so it lands above L); wait until the targets have applied everything
 * committed before L; read the targets. A key whose target state is newer than L is read again next round;
 * a key that differs with nothing newer than L is a real difference once it has done so in
 * {@link #CONFIRMATIONS} rounds in a row (the second round covers a key absent from the source, which no
 * lock protects).
 */
public final class Recheck {
    /** Rounds in a row a key must differ in before it is reported. */
    public static final int CONFIRMATIONS = 2;

    /** Waits until the targets have applied every change committed on the source before an LSN. */
    @FunctionalInterface
    public interface ApplyWait {
        void await(long lsn) throws Exception;
    }

    /**
     * The outcome.
     *
     * @param different keys that differ for real, with their verdicts
     * @param unsettled keys that changed on every round, so no verdict could be reached
     */
    public record Result(Map<RowKey, KeyCheck.Verdict> different, Set<RowKey> unsettled) {
    }

    private final PgSource source;
    private final List<TargetReader> targets;
    private final Layout layout;
    private final ApplyWait applyWait;
    private final int maxRounds;

    public Recheck(PgSource source, List<TargetReader> targets, Layout layout, ApplyWait applyWait, int maxRounds) {
        this.source = source;
        this.targets = targets;
        this.layout = layout;
        this.applyWait = applyWait;
        this.maxRounds = Math.max(CONFIRMATIONS, maxRounds);
    }

    /** Re-checks the keys. */
    public Result run(Set<RowKey> keys) throws Exception {
        Set<RowKey> pending = new LinkedHashSet<>(keys);
        Map<RowKey, Integer> confirmed = new HashMap<>();
        Map<RowKey, KeyCheck.Verdict> different = new LinkedHashMap<>();
        for (int round = 0; round < maxRounds && !pending.isEmpty(); round++) {
            PgSource.Locked<SourceRow> src = source.rowsForShare(pending);
            applyWait.await(src.lsn());
            Map<RowKey, List<TargetRow>> held = new HashMap<>();
            Map<RowKey, Map<String, Long>> tombstones = new HashMap<>();
            for (TargetReader t : targets) {
                for (TargetRow row : t.rowsByKeys(pending)) {
                    held.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row);
                }
                t.tombstones(pending).forEach((k, lsn) -> tombstones.computeIfAbsent(k, x -> new HashMap<>()).put(t.name(), lsn));
            }
            for (RowKey key : List.copyOf(pending)) {
                KeyCheck.Verdict v = KeyCheck.check(src.rows().get(key), held.getOrDefault(key, List.of()),
                        tombstones.getOrDefault(key, Map.of()), layout, src.lsn());
                switch (v.outcome()) {
                    case EQUAL -> {
                        pending.remove(key);
                        confirmed.remove(key);
                    }
                    case INCONCLUSIVE -> confirmed.remove(key);
                    case DIFFERENT -> {
                        if (confirmed.merge(key, 1, Integer::sum) >= CONFIRMATIONS) {
                            pending.remove(key);
                            different.put(key, v);
                        }
                    }
                }
            }
        }
        return new Result(different, pending);
    }
}
