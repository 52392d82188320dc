package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Keeps the old layout recoverable after a cutover. On each target table two triggers see every
 * application write made after the flip:
 * <ul>
 *   <li>{@code shardshift_reverse_log} (after the write) appends it to {@code shardshift.shardshift_reverse_log}
 *       (seq, table, op, the row as JSON, and {@code logged_at}: the target's clock read after the seq was taken,
 *       so a write logged after a seq was read has a later time), which {@link ReverseReplicator} copies to the
 *       source;</li>
 *   <li>{@code shardshift_reverse_fence} (before an insert or update) sets the row's fence to
 *       {@link #APP_FENCE}, and the log trigger gives a deleted key a tombstone at {@link #APP_FENCE}, so the
 *       forward stream's echo of a write copied back to the source (an older value with a lower LSN) never
 *       overwrites or resurrects the application's rows.</li>
 * </ul>
 * Writes of Shardshift's own sessions (application name {@code shardshift-...} and a login user that is a
 * member of {@value ReplicaRole#NAME}: the sink, the backfill, this class) are not application writes: they
 * are neither logged nor fenced. An application that names itself {@code shardshift-...} is still logged. At rollback, under the freeze, the
 * rest of the log is copied back, the triggers dropped and the raised fences lowered to the rollback's fence
 * LSN, so changes the source makes from then on apply to the targets again.
 */
public final class ReverseLog {
    /** The fence of a row the application wrote to a target during the observation window. */
    public static final long APP_FENCE = Long.MAX_VALUE;
    /** The log table on each target. */
    public static final String LOG_TABLE = "shardshift.shardshift_reverse_log";
    static final String FENCE_COLUMN = "_ss_lsn";
    private static final String TOMBSTONES = "shardshift.shardshift_tombstones";
    private static final String LOG_TRIGGER = "shardshift_reverse_log";
    private static final String FENCE_TRIGGER = "shardshift_reverse_fence";
    private static final String NOT_LIVE_TRIGGER = "shardshift_not_live";
    private static final String APP_WRITE = "NOT (coalesce(current_setting('application_name', true), '') LIKE 'shardshift-%' AND "
            + ReplicaRole.IS_MEMBER + ")";
    /**
     * SQL for the name of the trigger's table as {@code TableId.toString()} writes it (and so as the sink's
     * tombstones and {@link LogApplier} name it): a lower-case plain part bare, any other part double-quoted.
     */
    private static final String TABLE_TEXT = displaySql("TG_TABLE_SCHEMA") + " || '.' || " + displaySql("TG_TABLE_NAME");

    private ReverseLog() {
    }

    /**
     * Creates the log table, the trigger functions and, per table, a partial index of the rows the
     * application wrote (idempotent; done when a controller starts, before any freeze).
     */
    public static void prepare(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            ReplicaRole.ensure(c);
            st.execute("CREATE SCHEMA IF NOT EXISTS shardshift");
            st.execute("CREATE TABLE IF NOT EXISTS " + LOG_TABLE + " (seq bigserial PRIMARY KEY, "
                    + "table_name text NOT NULL, op text NOT NULL, row_json jsonb NOT NULL, "
                    + "logged_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            st.execute("ALTER TABLE " + LOG_TABLE + " ADD COLUMN IF NOT EXISTS logged_at timestamptz NOT NULL "
                    + "DEFAULT clock_timestamp()");
            st.execute("CREATE TABLE IF NOT EXISTS " + TOMBSTONES + " (table_name text NOT NULL, key text[] NOT NULL, "
                    + "lsn bigint NOT NULL, PRIMARY KEY (table_name, key))");
            st.execute("""
                    CREATE OR REPLACE FUNCTION shardshift.log_reverse_write() RETURNS trigger LANGUAGE plpgsql AS $$
                    DECLARE
                      k text[];
                      t text := %5$s;
                      s bigint;
                    BEGIN
                      IF NOT (%1$s) THEN RETURN NULL; END IF;
                      s := nextval('%2$s_seq_seq');
                      INSERT INTO %2$s (seq, table_name, op, row_json, logged_at)
                      VALUES (s, t, TG_OP,
                              to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END), clock_timestamp());
                      IF TG_OP = 'DELETE' THEN
                        EXECUTE 'SELECT ARRAY[' || (SELECT string_agg(format('($1).%%I::text', a), ', ')
                                                   FROM unnest(TG_ARGV) a) || ']' INTO k USING OLD;
                        INSERT INTO %3$s AS tb (table_name, key, lsn)
                        VALUES (t, k, %4$d)
                        ON CONFLICT (table_name, key) DO UPDATE SET lsn = EXCLUDED.lsn;
                      END IF;
                      RETURN NULL;
                    END $$""".formatted(APP_WRITE, LOG_TABLE, TOMBSTONES, APP_FENCE, TABLE_TEXT));
            st.execute("""
                    CREATE OR REPLACE FUNCTION shardshift.fence_app_write() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF %s THEN NEW.%s := %d; END IF;
                      RETURN NEW;
                    END $$""".formatted(APP_WRITE, FENCE_COLUMN, APP_FENCE));
            st.execute("""
                    CREATE OR REPLACE FUNCTION shardshift.reject_app_write() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF %s THEN
                        RAISE EXCEPTION 'shardshift: %%.%% on this target is not live: generation %% is', TG_TABLE_SCHEMA,
                          TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = '55000';
                      END IF;
                      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                      RETURN NEW;
                    END $$""".formatted(APP_WRITE));
            for (TableSchema t : tables) {
                st.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + SqlIdentifiers.quote(indexName(t)) + " ON " + name(t) + " ("
                        + FENCE_COLUMN + ") WHERE " + FENCE_COLUMN + " = " + APP_FENCE);
            }
        }
    }

    private static String displaySql(String part) {
        return "CASE WHEN " + part + " ~ '^[a-z_][a-z0-9_$]*$' THEN " + part + " ELSE '\"' || replace(" + part
                + ", '\"', '\"\"') || '\"' END";
    }

    private static String indexName(TableSchema t) {
        String base = "ss_app_written_" + t.id().table();
        return SqlIdentifiers.byteLength(base) <= 50 ? base : SqlIdentifiers.truncateToBytes(base, 40) + "_"
                + Integer.toHexString(t.id().toString().hashCode());
    }

    /** Starts logging application writes to the tables on a target, with an empty log (at cutover, under the freeze). */
    public static void start(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("TRUNCATE " + LOG_TABLE + " RESTART IDENTITY");
            for (TableSchema t : tables) {
                String pk = SqlLiterals.quoted(c, t.primaryKey());
                st.execute("DROP TRIGGER IF EXISTS " + LOG_TRIGGER + " ON " + name(t));
                st.execute("DROP TRIGGER IF EXISTS " + FENCE_TRIGGER + " ON " + name(t));
                st.execute("DROP TRIGGER IF EXISTS " + NOT_LIVE_TRIGGER + " ON " + name(t));
                st.execute("CREATE TRIGGER " + FENCE_TRIGGER + " BEFORE INSERT OR UPDATE ON " + name(t)
                        + " FOR EACH ROW EXECUTE FUNCTION shardshift.fence_app_write()");
                st.execute("CREATE TRIGGER " + LOG_TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON " + name(t)
                        + " FOR EACH ROW EXECUTE FUNCTION shardshift.log_reverse_write(" + pk + ")");
            }
            c.commit();
        }
    }

    /**
     * Stops logging on a target and empties its log, in the connection's transaction. Only for a target whose
     * every logged write is on the source: a rollback's, under its target locks, after the copy-back.
     */
    public static void stop(Connection target, List<TableSchema> tables) throws SQLException {
        stopLogging(target, tables);
        try (Statement st = target.createStatement()) {
            st.execute("TRUNCATE " + LOG_TABLE);
        }
    }

    /**
     * Drops the logging and fencing triggers, in the connection's transaction, and keeps the log: what it holds
     * is copied before it is deleted. Dropping a trigger waits for the writers in progress on its table, so once
     * this commits no entry is added or still uncommitted.
     */
    public static void stopLogging(Connection target, List<TableSchema> tables) throws SQLException {
        try (Statement st = target.createStatement()) {
            for (TableSchema t : tables) {
                st.execute("DROP TRIGGER IF EXISTS " + LOG_TRIGGER + " ON " + name(t));
                st.execute("DROP TRIGGER IF EXISTS " + FENCE_TRIGGER + " ON " + name(t));
            }
        }
    }

    /**
     * Makes a target reject application writes (SQLSTATE 55000) from the commit of the connection's
     * transaction on, as the source does after a cutover: a writer that was blocked on a rollback's target lock
     * fails once it is released, and writes again on the old layout, instead of writing to a target that is no
     * longer live. Shardshift's own sessions still write. A later cutover removes it ({@link #start}).
     */
    public static void rejectAppWrites(Connection target, List<TableSchema> tables, long liveGeneration) throws SQLException {
        try (Statement st = target.createStatement()) {
            for (TableSchema t : tables) {
                st.execute("DROP TRIGGER IF EXISTS " + NOT_LIVE_TRIGGER + " ON " + name(t));
                st.execute("CREATE TRIGGER " + NOT_LIVE_TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE ON " + name(t)
                        + " FOR EACH ROW EXECUTE FUNCTION shardshift.reject_app_write('" + liveGeneration + "')");
            }
        }
    }

    /**
     * Stops logging on a target and empties its log, in a transaction of its own (a cutover aborted before any
     * application wrote to the target).
     */
    public static void stop(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target)) {
            c.setAutoCommit(false);
            stop(c, tables);
            c.commit();
        }
    }

    /**
     * {@link #stopLogging(Connection, List)} in a transaction of its own (the observation window is closing), waiting
     * at most 2 s for the table locks, so a long application transaction never queues every writer behind the drop
     * (the window then stays open and closing is tried again).
     */
    public static void stopLogging(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET LOCAL lock_timeout = 2000");
            stopLogging(c, tables);
            c.commit();
        }
    }

    /**
     * Lowers the fences the application's writes raised to {@code fence} (rows and tombstones), so source
     * changes after it apply to the target again while older echoes still do not. Run after {@link #stop}.
     *
     * @return rows and tombstones changed
     */
    public static long restoreFences(Connection target, List<TableSchema> tables, long fence) throws SQLException {
        long n = 0;
        for (TableSchema t : tables) {
            try (PreparedStatement ps = target.prepareStatement("UPDATE " + name(t) + " SET " + FENCE_COLUMN + " = ? WHERE "
                    + FENCE_COLUMN + " = " + APP_FENCE)) {
                ps.setLong(1, fence);
                n += ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = target.prepareStatement("UPDATE " + TOMBSTONES + " SET lsn = ? WHERE lsn = " + APP_FENCE)) {
            ps.setLong(1, fence);
            n += ps.executeUpdate();
        }
        return n;
    }

    /** True when the reverse log trigger is on any of the tables on a target (application writes are logged). */
    public static boolean logging(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_trigger t"
                + " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE t.tgname = ? AND n.nspname = ? AND c.relname = ?")) {
            for (TableSchema t : tables) {
                ps.setString(1, LOG_TRIGGER);
                ps.setString(2, t.id().schema());
                ps.setString(3, t.id().table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Locks the tables on a target against writes, in the connection's open transaction. */
    public static void lock(Connection target, List<TableSchema> tables) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("LOCK TABLE " + tables.stream().map(ReverseLog::name).collect(Collectors.joining(", "))
                    + " IN EXCLUSIVE MODE");
        }
    }

    static String name(TableSchema t) {
        return t.id().quoted();
    }

    /** A connection to a target as Shardshift (its writes are not application writes). */
    public static Connection connect(TargetSpec t) throws SQLException {
        Properties p = new Properties();
        if (t.user() != null) {
            p.setProperty("user", t.user());
        }
        if (t.password() != null) {
            p.setProperty("password", t.password());
        }
        p.setProperty("ApplicationName", "shardshift-cutover");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(t.jdbcUrl(), p);
    }
}
