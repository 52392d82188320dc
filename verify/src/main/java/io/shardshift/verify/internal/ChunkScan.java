package io.shardshift.verify.internal;

import io.shardshift.core.layout.Layout;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.verify.VerifyException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The first pass over a table: each chunk's checksums on the source and on every target, and for the
 * chunks that differ, a row-by-row comparison that yields the candidate keys. Chunks are spread over
 * several workers, each with its own connections.
 */
public final class ChunkScan {
    /**
     * What the pass found.
     *
     * @param rowsCompared source rows in the chunks
     * @param chunks       chunks compared
     * @param differing    chunks whose checksums differed
     * @param candidates   keys that differed row by row (to be re-checked by position)
     */
    public record Result(long rowsCompared, int chunks, int differing, Set<RowKey> candidates) {
    }

    private static final KeyRange END = new KeyRange(List.of("end of chunks"), null);

    private final VerifySql sql;
    private final Layout layout;
    private final List<TargetSpec> targets;
    private final Supplier<Connection> sourceConnections;

    public ChunkScan(VerifySql sql, Layout layout, List<TargetSpec> targets, Supplier<Connection> sourceConnections) {
        this.sql = sql;
        this.layout = layout;
        this.targets = targets;
        this.sourceConnections = sourceConnections;
    }

    /**
     * Plans the chunks on the source and compares them with {@code parallelism} workers, which start on
     * the first chunks while the later ones are still being planned.
     */
    public Result run(int chunkRows, String tenant, int parallelism) throws InterruptedException {
        BlockingQueue<KeyRange> queue = new LinkedBlockingQueue<>();
        int workers = Math.max(1, parallelism);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "shardshift-verify-" + sql.table().id());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> parts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                parts.add(pool.submit(() -> work(queue, tenant)));
            }
            try (Connection c = sourceConnections.get()) {
                new PgSource(c, sql).plan(chunkRows, tenant, queue::add);
            } catch (SQLException e) {
                throw new VerifyException("cannot close a source connection: " + e.getMessage(), e);
            } finally {
                for (int w = 0; w < workers; w++) {
                    queue.add(END);
                }
            }
            long rows = 0;
            int chunks = 0;
            int differing = 0;
            Set<RowKey> candidates = new LinkedHashSet<>();
            for (Future<Result> f : parts) {
                Result r = f.get();
                rows += r.rowsCompared();
                chunks += r.chunks();
                differing += r.differing();
                candidates.addAll(r.candidates());
            }
            return new Result(rows, chunks, differing, candidates);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new VerifyException("verify of " + sql.table().id() + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Result work(BlockingQueue<KeyRange> queue, String tenant) throws Exception {
        List<TargetReader> readers = new ArrayList<>();
        try (Connection c = sourceConnections.get()) {
            for (TargetSpec t : targets) {
                readers.add(PgTargetReader.open(t, sql));
            }
            PgSource source = new PgSource(c, sql);
            long rows = 0;
            int chunks = 0;
            int differing = 0;
            Set<RowKey> candidates = new LinkedHashSet<>();
            for (KeyRange range = queue.take(); range != END; range = queue.take()) {
                chunks++;
                Map<String, ChunkSum> src = source.chunkSums(range, tenant);
                Map<String, Map<String, ChunkSum>> byTarget = new HashMap<>();
                for (TargetReader r : readers) {
                    byTarget.put(r.name(), r.chunkSums(range, tenant));
                }
                rows += src.values().stream().mapToLong(ChunkSum::rows).sum();
                if (!ChunkCompare.matches(src, byTarget, layout)) {
                    differing++;
                    candidates.addAll(diffRows(source, readers, range, tenant));
                }
            }
            return new Result(rows, chunks, differing, candidates);
        } finally {
            readers.forEach(TargetReader::close);
        }
    }

    private Set<RowKey> diffRows(PgSource source, List<TargetReader> readers, KeyRange range, String tenant) {
        Map<RowKey, SourceRow> src = source.rows(range, tenant);
        Map<RowKey, List<TargetRow>> held = new HashMap<>();
        for (TargetReader r : readers) {
            for (TargetRow row : r.rows(range, tenant)) {
                held.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row);
            }
        }
        Set<RowKey> keys = new LinkedHashSet<>(src.keySet());
        keys.addAll(held.keySet());
        Set<RowKey> differ = new LinkedHashSet<>();
        for (RowKey k : keys) {
            KeyCheck.Verdict v = KeyCheck.check(src.get(k), held.getOrDefault(k, List.of()), Map.of(), layout, Long.MAX_VALUE);
            if (v.outcome() != KeyCheck.Outcome.EQUAL) {
                differ.add(k);
            }
        }
        return differ;
    }
}
