package io.shardshift.cutover.internal;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The write freeze enforced at the source: one open transaction holding {@code LOCK TABLE ... IN EXCLUSIVE
 * MODE} on the migrated tables (INSERT, UPDATE, DELETE wait; SELECT goes on). Inside it the cutover reads
 * the fence LSN and, on success, installs a trigger that rejects every later write to the old tables
 * (SQLSTATE 55000), so a writer that was blocked on the lock fails once it is released instead of writing
 * to the old layout (in a tenant-scoped cutover, only writes of the moved tenants). The reverse path may
 * write anyway: a session whose login user is a member of {@value ReplicaRole#NAME} (created and granted
 * here) and that sets {@code SET LOCAL shardshift.replica = on}; an application that only sets the GUC (or
 * an application name) is still rejected. The trigger's arguments (generation, shard key column, tenants)
 * are quoted by the server ({@link SqlLiterals}).
 */
public final class SourceFreeze implements AutoCloseable {
    /**
     * How long the database lets this freeze live on its own, so that a hung or killed migrator cannot keep the
     * source locked: the server ends the session (and with it the lock, rolled back) once the transaction idles
     * longer than {@code idleInTransaction}, or once TCP keepalives find the client gone (about 25 s); the driver
     * gives up a statement after {@code socketTimeout}.
     *
     * @param idleInTransaction {@code idle_in_transaction_session_timeout} of the session, above the whole pause
     * @param socketTimeout     the driver's socket timeout, above the longest statement (the lock wait)
     */
    public record Bounds(Duration idleInTransaction, Duration socketTimeout) {
        /** No bound (the session lives as long as the connection). */
        public static final Bounds NONE = new Bounds(Duration.ZERO, Duration.ZERO);
        private static final Duration MARGIN = Duration.ofSeconds(30);

        /** Bounds for a pause of at most {@code freezeTimeout} waiting for the lock plus {@code drainTimeout} draining. */
        public static Bounds forPause(Duration freezeTimeout, Duration drainTimeout) {
            return new Bounds(freezeTimeout.plus(drainTimeout).plus(MARGIN), freezeTimeout.plus(MARGIN));
        }

        /** The session settings that apply these bounds, in order. */
        public List<String> sessionSettings() {
            if (idleInTransaction.isZero()) {
                return List.of();
            }
            return List.of("SET idle_in_transaction_session_timeout = " + idleInTransaction.toMillis(),
                    "SET tcp_keepalives_idle = 10", "SET tcp_keepalives_interval = 5", "SET tcp_keepalives_count = 3");
        }
    }


    /** SQLSTATE of a write rejected because its table moved. */
    public static final String MOVED_SQLSTATE = io.shardshift.client.ConfigKeys.MOVED_SQLSTATE;
    private static final String TRIGGER = "shardshift_moved";

    private final Connection connection;
    private final List<TableId> tables;

    private SourceFreeze(Connection connection, List<TableId> tables) {
        this.connection = connection;
        this.tables = tables;
    }

    /**
     * Takes the lock; waits at most {@code lockTimeout} for in-flight write transactions.
     *
     * @throws SQLException with SQLSTATE 55P03 when the lock was not granted in time
     */
    public static SourceFreeze acquire(String jdbcUrl, String user, String password, List<TableId> tables,
                                       Duration lockTimeout) throws SQLException {
        SourceFreeze freeze = open(jdbcUrl, user, password, tables);
        freeze.lock(lockTimeout);
        return freeze;
    }

    /** Connects, without locking yet: the connection set-up stays out of the write pause. */
    public static SourceFreeze open(String jdbcUrl, String user, String password, List<TableId> tables) throws SQLException {
        return open(jdbcUrl, user, password, tables, Bounds.NONE);
    }

    /**
     * Connects with {@code bounds} on the session, without locking yet: the connection set-up stays out of the
     * write pause.
     */
    public static SourceFreeze open(String jdbcUrl, String user, String password, List<TableId> tables, Bounds bounds)
            throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("tcpKeepAlive", "true");
        if (!bounds.socketTimeout().isZero()) {
            props.setProperty("socketTimeout", Long.toString(Math.max(1, bounds.socketTimeout().toSeconds())));
        }
        Connection c = DriverManager.getConnection(jdbcUrl, props);
        try {
            try (Statement st = c.createStatement()) {
                for (String setting : bounds.sessionSettings()) {
                    st.execute(setting);
                }
            }
            c.setAutoCommit(false);
            return new SourceFreeze(c, tables);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Takes the lock; waits at most {@code lockTimeout} for in-flight write transactions.
     *
     * @throws SQLException with SQLSTATE 55P03 when the lock was not granted in time
     */
    public void lock(Duration lockTimeout) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            st.execute("LOCK TABLE " + qualified(tables) + " IN EXCLUSIVE MODE");
            st.execute("SET LOCAL lock_timeout = 0");
        }
    }

    private static String qualified(List<TableId> tables) {
        return tables.stream().map(TableId::quoted)
                .collect(Collectors.joining(", "));
    }

    /** The source's WAL position under the lock: every acknowledged write to the tables is before it. */
    public long fenceLsn() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /** Installs the reject trigger for every write (visible when this freeze commits). */
    public void rejectWritesFromNowOn(long movedToGeneration) throws SQLException {
        rejectWritesFromNowOn(movedToGeneration, Map.of(), List.of());
    }

    /**
     * Installs the reject trigger (visible when this freeze commits). With {@code tenants}, a tenant-scoped
     * cutover, only writes whose old or new shard key value is one of them are rejected; other tenants keep
     * writing to the source.
     *
     * @param shardKeys the shard key column of each table (needed only with tenants)
     * @param tenants   the shard key values that moved; empty = every row moved
     */
    public void rejectWritesFromNowOn(long movedToGeneration, Map<TableId, String> shardKeys, List<String> tenants)
            throws SQLException {
        ReplicaRole.ensure(connection);
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS shardshift");
            st.execute("""
                    CREATE OR REPLACE FUNCTION shardshift.reject_moved_write() RETURNS trigger LANGUAGE plpgsql AS $$
                    DECLARE moved text[];
                    BEGIN
                      IF current_setting('shardshift.replica', true) = 'on' AND $IS_MEMBER$ THEN
                        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                        RETURN NEW;
                      END IF;
                      IF TG_NARGS > 1 THEN
                        moved := TG_ARGV[2:TG_NARGS - 1];
                        IF NOT ((TG_OP <> 'INSERT' AND (to_jsonb(OLD) ->> TG_ARGV[1]) = ANY (moved))
                             OR (TG_OP <> 'DELETE' AND (to_jsonb(NEW) ->> TG_ARGV[1]) = ANY (moved))) THEN
                          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                          RETURN NEW;
                        END IF;
                        RAISE EXCEPTION 'shardshift: tenant % of %.% moved to generation %',
                          coalesce(to_jsonb(NEW) ->> TG_ARGV[1], to_jsonb(OLD) ->> TG_ARGV[1]),
                          TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = '55000';
                      END IF;
                      RAISE EXCEPTION 'shardshift: %.% moved to generation %', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]
                        USING ERRCODE = '55000';
                    END $$""".replace("$IS_MEMBER$", ReplicaRole.IS_MEMBER));
            for (TableId t : tables) {
                String table = t.quoted();
                List<String> values = new ArrayList<>(List.of(Long.toString(movedToGeneration)));
                if (!tenants.isEmpty()) {
                    String key = shardKeys.get(t);
                    if (key == null) {
                        throw new IllegalArgumentException("no shard key column given for table " + t);
                    }
                    values.add(key);
                    values.addAll(tenants);
                }
                String args = SqlLiterals.quoted(connection, values);
                st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + table);
                st.execute("CREATE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION shardshift.reject_moved_write(" + args + ")");
            }
        }
    }

    /** True when the reject trigger is installed (committed) on any of {@code tables}. */
    public static boolean rejectsWrites(Connection connection, List<TableId> tables) throws SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_trigger t"
                + " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE t.tgname = ? AND n.nspname = ? AND c.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, TRIGGER);
                ps.setString(2, t.schema());
                ps.setString(3, t.table());
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

    /** Removes the reject trigger (a rollback makes the source the live layout again). */
    public void allowWrites() throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (TableId t : tables) {
                st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + t.quoted());
            }
        }
    }

    /** The connection holding the lock, for work that must commit with it (a rollback's copy-back). */
    public Connection connection() {
        return connection;
    }

    /** Commits what was done under the lock and releases it. */
    public void commit() throws SQLException {
        connection.commit();
    }

    /** Undoes what was done under the lock and releases it. */
    public void abort() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // closing the connection below releases the lock anyway
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // the session ends with the connection; its lock goes with it
        }
    }
}
