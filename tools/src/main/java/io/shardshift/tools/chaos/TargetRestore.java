package io.shardshift.tools.chaos;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The {@code target-restore} fault: the first target is restored from an older copy of itself, as after a disk
 * loss and a restore from last night's backup. {@link #backup()} copies its table (and Shardshift's tombstones) into
 * a side schema while streaming; later {@link #restore(Migrator)} stops the migrator (the target is "down"), puts
 * the copy back, counts the rows the restore lost (the RPO: rows the live target had that the copy lacks, holds with
 * other values, or holds although they were deleted since) and starts {@code shardshift migrate --rebackfill
 * public.orders}. {@link #repair(MigrationSpec)} then runs {@code verify --repair}, which refills what the
 * re-backfill cannot (a re-backfill only fills keys that hold nothing: stale rows and rows deleted since the copy
 * need the fenced repair).
 */
final class TargetRestore {
    private static final String TABLE = "public.orders";
    private static final String ROW_COLUMNS = "id, tenant_id, customer, status, amount, created_at, note";

    private final ChaosStack stack;
    private final String db;
    private long backupNanos;
    private long lostRows = -1;
    private long repairedKeys = -1;
    private long convergedMillis = -1;

    TargetRestore(ChaosStack stack, String db) {
        this.stack = stack;
        this.db = db;
    }

    /** Takes the copy of the first target. */
    void backup() throws SQLException {
        try (Connection c = stack.target(0).connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA backup_copy");
            s.execute("CREATE TABLE backup_copy.orders AS TABLE " + TABLE);
            s.execute("CREATE TABLE backup_copy.tombstones AS TABLE shardshift.shardshift_tombstones");
        }
        backupNanos = System.nanoTime();
    }

    /**
     * Kills the migrator, restores the copy, counts what it lost, restarts the migrator with the re-backfill.
     *
     * @return when the target was restored and the migrator up again ({@link System#nanoTime()})
     */
    long restore(Migrator migrator) throws Exception {
        migrator.process().kill();
        try (Connection c = stack.target(0).connect(db); Statement s = c.createStatement()) {
            lostRows = lostByRestore(s);
            c.setAutoCommit(false);
            s.execute("TRUNCATE " + TABLE);
            s.execute("INSERT INTO " + TABLE + " SELECT * FROM backup_copy.orders");
            s.execute("DELETE FROM shardshift.shardshift_tombstones");
            s.execute("INSERT INTO shardshift.shardshift_tombstones SELECT * FROM backup_copy.tombstones");
            c.commit();
        }
        migrator.restart(List.of("--rebackfill=" + TABLE));
        return System.nanoTime();
    }

    /** Rows of the live target that the copy lacks, holds with other values, or holds although deleted since. */
    private static long lostByRestore(Statement s) throws SQLException {
        String sql = "SELECT count(*) FROM ((SELECT " + ROW_COLUMNS + " FROM " + TABLE + " EXCEPT SELECT " + ROW_COLUMNS
                + " FROM backup_copy.orders) UNION (SELECT " + ROW_COLUMNS + " FROM backup_copy.orders b WHERE NOT EXISTS"
                + " (SELECT 1 FROM " + TABLE + " o WHERE o.id = b.id))) d";
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs {@code verify --repair} against the running migration; adds a problem when it does not end clean. */
    void repair(MigrationSpec spec, List<String> problems) throws InterruptedException {
        long start = System.nanoTime();
        try (Verifier v = Verifier.standalone(spec)) {
            VerifyReport r = v.verify(VerifyOptions.defaults().withRepair(true));
            repairedKeys = r.tables().stream().mapToLong(VerifyReport.TableResult::repaired).sum();
            if (!r.clean()) {
                problems.add("verify --repair after the restore left " + r.mismatchCount() + " mismatches");
            }
        }
        convergedMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** The RPO: rows the restored copy lacked or held stale, all refilled; -1 before the restore. */
    long lostRows() {
        return lostRows;
    }

    /** The fault in words, with what the refill did. */
    String describe(long restoreNanos) {
        return "pg_a restored from a copy " + (restoreNanos - backupNanos) / 1_000_000_000 + " s old, then migrate"
                + " --rebackfill + verify --repair (" + repairedKeys + " keys repaired in " + convergedMillis / 1000.0 + " s)";
    }
}
