package io.shardshift.sink.pg;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.devstack.DevPostgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Prints the throughput of the sink's apply (batches of 1000 mixed streamed events) and of the backfill
 * writer (200k rows of about 200 bytes) on a local PostgreSQL. Not a test; run with
 * {@code mvn -o -pl sink-pg exec:java -Dexec.mainClass=io.shardshift.sink.pg.PgSinkBenchmark -Dexec.classpathScope=test}.
 */
public final class PgSinkBenchmark {
    private static final TableId TABLE = TableId.parse("public.orders");
    private static final TableSchema SCHEMA = new TableSchema(TABLE, List.of(
            new ColumnDef("id", "bigint", true), new ColumnDef("tenant", "text", true),
            new ColumnDef("amount", "numeric(12,2)", false), new ColumnDef("status", "character varying(16)", false),
            new ColumnDef("created", "timestamp with time zone", false), new ColumnDef("payload", "text", false)),
            List.of("id"), List.of(), true);
    private static final String PAYLOAD = "x".repeat(138);
    private static final int BATCH = 1_000;

    private PgSinkBenchmark() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        try (DevPostgres pg = DevPostgres.start()) {
            benchApply(TargetDb.create(pg, "bench_apply"), events);
            benchBackfill(TargetDb.create(pg, "bench_copy1"), rows, 1);
            benchBackfill(TargetDb.create(pg, "bench_copy2"), rows, 2);
        }
    }

    private static void benchApply(TargetDb db, int total) {
        PgProvisioner.provision(db.spec(), List.of(SCHEMA));
        Random random = new Random(42);
        List<List<ChangeEvent>> inserts = new ArrayList<>();
        List<List<ChangeEvent>> mixed = new ArrayList<>();
        long lsn = 1_000;
        long nextId = 1;
        for (int b = 0; b < total / BATCH; b++) {
            List<ChangeEvent> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(ChangeEvent.create(TABLE, key(nextId), row(nextId, random), pos(lsn++)));
                nextId++;
            }
            inserts.add(batch);
        }
        for (int b = 0; b < total / BATCH; b++) {
            List<ChangeEvent> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                int dice = random.nextInt(100);
                if (dice < 45) {
                    batch.add(ChangeEvent.create(TABLE, key(nextId), row(nextId, random), pos(lsn++)));
                    nextId++;
                } else {
                    long id = 1 + (long) random.nextInt((int) nextId - 1);
                    batch.add(dice < 90 ? ChangeEvent.update(TABLE, key(id), null, row(id, random), pos(lsn++))
                            : ChangeEvent.delete(TABLE, key(id), null, pos(lsn++)));
                }
            }
            mixed.add(batch);
        }
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(SCHEMA), BATCH, 5)) {
            report("apply, inserts of new keys", total, run(sink, inserts));
            report("apply, mixed 45% insert / 45% update / 10% delete", total, run(sink, mixed));
            report("apply, same mixed batches replayed (all stale)", total, run(sink, mixed));
            System.out.println("stats: " + sink.stats(TABLE));
        }
    }

    private static long run(PgTargetSink sink, List<List<ChangeEvent>> batches) {
        long start = System.nanoTime();
        for (List<ChangeEvent> batch : batches) {
            if (!sink.apply(batch).isEmpty()) {
                throw new IllegalStateException("rejected events in benchmark");
            }
        }
        return System.nanoTime() - start;
    }

    private static void benchBackfill(TargetDb db, int total, int writers) {
        PgProvisioner.provision(db.spec(), List.of(SCHEMA));
        int perCall = 10_000;
        Random random = new Random(7);
        List<List<byte[]>> work = new ArrayList<>();
        long bytes = 0;
        for (int w = 0; w < writers; w++) {
            List<byte[]> calls = new ArrayList<>();
            for (int from = w * (total / writers); from < (w + 1) * (total / writers); from += perCall) {
                StringBuilder sb = new StringBuilder(perCall * 210);
                for (int id = from + 1; id <= from + perCall; id++) {
                    Map<String, String> r = row(id, random);
                    sb.append(String.join("\t", r.values())).append('\n');
                }
                byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
                bytes += data.length;
                calls.add(data);
            }
            work.add(calls);
        }
        long start = System.nanoTime();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (List<byte[]> calls : work) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), SCHEMA)) {
                    calls.forEach(w::writeCopyText);
                    return w.rowsInserted();
                }
            }));
        }
        long inserted = futures.stream().mapToLong(CompletableFuture::join).sum();
        long nanos = System.nanoTime() - start;
        report("backfill, " + writers + " writer(s), " + perCall + " rows per call, "
                + (bytes / Math.max(1, inserted)) + " bytes per row", inserted, nanos);
    }

    private static void report(String what, long count, long nanos) {
        System.out.printf("%-70s %9d in %6.2f s = %,10.0f /s%n", what, count, nanos / 1e9, count / (nanos / 1e9));
    }

    private static Map<String, String> key(long id) {
        return Map.of("id", Long.toString(id));
    }

    private static Map<String, String> row(long id, Random random) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("tenant", "tenant" + (id % 50));
        r.put("amount", (random.nextInt(1_000_000)) / 100 + "." + String.format("%02d", random.nextInt(100)));
        r.put("status", random.nextBoolean() ? "shipped" : "pending");
        r.put("created", "2024-03-01 10:15:" + String.format("%02d", random.nextInt(60)) + ".123456+00");
        r.put("payload", PAYLOAD);
        return r;
    }

    private static SourcePosition pos(long lsn) {
        return SourcePosition.streamed(lsn, lsn, 1_700_000_000_000L);
    }
}
