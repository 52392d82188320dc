package io.shardshift.sink.pg;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.Backoff;
import io.shardshift.sink.pg.internal.KeyLocks;
import io.shardshift.sink.pg.internal.Names;
import io.shardshift.sink.pg.internal.PgSession;
import io.shardshift.sink.pg.internal.SchemaCheck;
import io.shardshift.sink.pg.internal.TableSql;
import io.shardshift.sink.pg.internal.Targets;
import io.shardshift.sink.pg.internal.CopyTextRows;
import io.shardshift.sink.pg.internal.SqlStates;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fast path of the initial copy into one table of a target, with snapshot semantics: rows get fence 0
 * and are inserted only where the key holds neither a row nor a tombstone, so rows the stream already wrote
 * or deleted stay as they are. One transaction per call: it looks up which of the call's keys already hold a
 * row or a tombstone, then sends the other rows straight into the table with {@code COPY}. Should a
 * streamed write insert one of those keys in the meantime (the copy then fails on the primary key), the
 * call falls back to {@code COPY} into a session-private staging table and
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}.
 *
 * <pre>{@code
 * try (PgBackfillWriter w = PgBackfillWriter.open(target, table)) {
 *     w.writeCopyText("1\tacme\t9.50\n2\tinitech\t\\N\n");
 * }
 * }</pre>
 *
 * <p>Rows: columns in {@link TableSchema#columns()} order, separated by tabs, {@code \N} for NULL, one row
 * per line, with COPY's backslash escapes (as {@code COPY ... TO STDOUT} writes them). Not thread-safe: use
 * one writer per thread; several writers may load the same table at once.
 */
public final class PgBackfillWriter implements AutoCloseable {
    /** Retries of a call after a retriable error, for {@link #open(TargetSpec, TableSchema)}. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(PgBackfillWriter.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final TableSchema table;
    private final TableSql sql;
    private final PgSession session;
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong rowsInserted = new AtomicLong();

    private PgBackfillWriter(TableSchema table, TableSql sql, PgSession session) {
        this.table = table;
        this.sql = sql;
        this.session = session;
    }

    /** Opens a writer with {@link #DEFAULT_MAX_RETRIES}. */
    public static PgBackfillWriter open(TargetSpec target, TableSchema table) {
        return open(target, table, DEFAULT_MAX_RETRIES);
    }

    /**
     * Opens a writer on a provisioned table.
     *
     * @throws IllegalArgumentException naming the table and column when its definition is not valid
     * @throws SinkException            when the target cannot be reached or the table is not as provisioned
     */
    public static PgBackfillWriter open(TargetSpec target, TableSchema table, int maxRetries) {
        Objects.requireNonNull(target, "target");
        TableSql sql = new TableSql(Objects.requireNonNull(table, "table"));
        PgSession session = new PgSession(target, "backfill", maxRetries, Backoff.DEFAULT, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET temp_buffers = '64MB'");
                s.execute(sql.createStageTable());
            }
            return null;
        });
        try {
            SchemaCheck.requireProvisioned(session, List.of(table));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return new PgBackfillWriter(table, sql, session);
    }

    /** Writes rows given as UTF-8 COPY text; see the class comment for the format. */
    public void writeCopyText(byte[] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            return;
        }
        long[] result;
        try {
            result = session.inTransaction(() -> "backfill of " + rows.length + " bytes into " + table.id(),
                    c -> copy(c, rows));
        } catch (SQLException e) {
            throw new SinkException("backfill of " + table.id() + " on " + Targets.describe(session.target())
                    + " rejected the rows: " + session.reason(e), e);
        }
        rowsWritten.addAndGet(result[0]);
        rowsInserted.addAndGet(result[1]);
    }

    /** Writes rows given as COPY text; see the class comment for the format. */
    public void writeCopyText(CharSequence rows) {
        writeCopyText(Objects.requireNonNull(rows, "rows").toString().getBytes(StandardCharsets.UTF_8));
    }

    private long[] copy(Connection c, byte[] data) throws SQLException {
        CopyTextRows rows = CopyTextRows.parse(data, sql.keyPositions());
        KeyLocks.lock(c, table.id(), false);
        if (sql.hasGeneratedColumns()) {
            return stageInsert(c, rows);
        }
        BitSet stored = storedKeys(c, rows);
        Savepoint beforeCopy = c.setSavepoint();
        try {
            long inserted = copyIn(c, sql.copyIntoTable(), rows, stored);
            c.releaseSavepoint(beforeCopy);
            return new long[] {rows.size(), inserted};
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(SqlStates.state(e))) {
                throw e;
            }
            c.rollback(beforeCopy);
        }
        LOG.debug("a key of {} was written while its backfill rows were sent; merging them through the stage", table.id());
        return stageInsert(c, rows);
    }

    /** Copies the rows into the session's stage and inserts them with snapshot semantics. */
    private long[] stageInsert(Connection c, CopyTextRows rows) throws SQLException {
        copyIn(c, sql.copyIntoStage(), rows, new BitSet());
        try (PreparedStatement ps = c.prepareStatement(sql.stageInsert())) {
            ps.setString(1, Names.tombstoneTableName(table.id()));
            return new long[] {rows.size(), ps.executeUpdate()};
        }
    }

    /** The rows whose key already holds a row or a tombstone on the target. */
    private BitSet storedKeys(Connection c, CopyTextRows rows) throws SQLException {
        BitSet stored = new BitSet(rows.size());
        try (PreparedStatement ps = c.prepareStatement(sql.storedKeys())) {
            int p = 1;
            for (int k = 0; k < sql.keyPositions().size(); k++) {
                ps.setArray(p++, c.createArrayOf("text", rows.keyColumn(k)));
            }
            ps.setString(p, Names.tombstoneTableName(table.id()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.set(rs.getInt(1) - 1);
                }
            }
        }
        return stored;
    }

    private static long copyIn(Connection c, String copySql, CopyTextRows rows, BitSet skip) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            rows.writeRows(skip, in::writeToCopy);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** Rows received and committed so far (including rows skipped because the key held a row or tombstone). */
    public long rowsWritten() {
        return rowsWritten.get();
    }

    /** Rows actually inserted so far. */
    public long rowsInserted() {
        return rowsInserted.get();
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "PgBackfillWriter[" + table.id() + " on " + Targets.describe(session.target()) + "]";
    }
}
