package io.shardshift.migrator.cutover.internal;

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
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keeps the old layout recoverable after a cutover: a trigger on each target table logs every write made
 * to it after the flip ({@code shardshift.shardshift_reverse_log}: seq, table, op, the row as JSON). At
 * rollback, under the freeze, the logged writes are copied back to the source in order, so the old layout
 * equals the new one when it becomes live again. After a cutover the source rejects application writes
 * and the forward stream is idle, so every logged write is an application write.
 */
public final class ReverseLog {
    private static final String TRIGGER = "shardshift_reverse_log";

    private ReverseLog() {
    }

    /** Creates the log table and trigger function on a target (idempotent; done before any freeze). */
    public static void prepare(TargetSpec target) throws SQLException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS shardshift");
            st.execute("CREATE TABLE IF NOT EXISTS shardshift.shardshift_reverse_log (seq bigserial PRIMARY KEY, "
                    + "table_name text NOT NULL, op text NOT NULL, row_json jsonb NOT NULL)");
            st.execute("""
                    CREATE OR REPLACE FUNCTION shardshift.log_reverse_write() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      INSERT INTO shardshift.shardshift_reverse_log (table_name, op, row_json)
                      VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,
                              to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END));
                      RETURN NULL;
                    END $$""");
        }
    }

    /** Starts logging writes to the tables on a target (at cutover, under the freeze). */
    public static void start(TargetSpec target, List<TableSchema> tables) throws SQLException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("TRUNCATE shardshift.shardshift_reverse_log");
            for (TableSchema t : tables) {
                st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + name(t));
                st.execute("CREATE TRIGGER " + TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON " + name(t)
                        + " FOR EACH ROW EXECUTE FUNCTION shardshift.log_reverse_write()");
            }
            c.commit();
        }
    }

    /** Stops logging on a target (after a cutover aborted, or once a rollback copied the log back). */
    public static void stop(Connection target, List<TableSchema> tables) throws SQLException {
        try (Statement st = target.createStatement()) {
            for (TableSchema t : tables) {
                st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + name(t));
            }
            st.execute("TRUNCATE shardshift.shardshift_reverse_log");
        }
    }

    /**
     * Copies the writes logged on one target to the source, in log order, inside the caller's source
     * transaction. The caller holds the target tables locked so nothing is logged meanwhile.
     *
     * @return writes copied
     */
    public static long copyBack(Connection target, Connection source, List<TableSchema> tables) throws SQLException {
        Map<String, TableSchema> byName = tables.stream()
                .collect(Collectors.toMap(t -> t.id().schema() + "." + t.id().table(), t -> t));
        long n = 0;
        try (Statement st = target.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name, op, row_json::text FROM shardshift.shardshift_reverse_log ORDER BY seq")) {
            while (rs.next()) {
                TableSchema t = byName.get(rs.getString(1));
                if (t == null) {
                    throw new SQLException("reverse log names table " + rs.getString(1) + " which this migration does not move");
                }
                try (PreparedStatement ps = source.prepareStatement("DELETE".equals(rs.getString(2)) ? delete(t) : upsert(t))) {
                    ps.setString(1, rs.getString(3));
                    ps.executeUpdate();
                }
                n++;
            }
        }
        return n;
    }

    /** Locks the tables on a target against writes, in the connection's open transaction. */
    public static void lock(Connection target, List<TableSchema> tables) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("LOCK TABLE " + tables.stream().map(ReverseLog::name).collect(Collectors.joining(", "))
                    + " IN EXCLUSIVE MODE");
        }
    }

    private static String upsert(TableSchema t) {
        String cols = t.columnNames().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String pk = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String set = t.columnNames().stream().filter(c -> !t.primaryKey().contains(c))
                .map(c -> SqlIdentifiers.quote(c) + " = EXCLUDED." + SqlIdentifiers.quote(c)).collect(Collectors.joining(", "));
        return "INSERT INTO " + name(t) + " (" + cols + ") SELECT " + cols + " FROM jsonb_populate_record(NULL::"
                + name(t) + ", ?::jsonb) ON CONFLICT (" + pk + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
    }

    private static String delete(TableSchema t) {
        String pk = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        return "DELETE FROM " + name(t) + " WHERE (" + pk + ") IN (SELECT " + pk + " FROM jsonb_populate_record(NULL::"
                + name(t) + ", ?::jsonb))";
    }

    private static String name(TableSchema t) {
        return SqlIdentifiers.quote(t.id().schema()) + "." + SqlIdentifiers.quote(t.id().table());
    }

    public static Connection connect(TargetSpec t) throws SQLException {
        return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
    }
}
