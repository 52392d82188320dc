package io.shardshift.cutover.internal;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Copies the application writes logged on the targets ({@link ReverseLog}) to the source during the
 * observation window, every {@link #PERIOD}, so the old layout stays current and a rollback only has to copy
 * what the last round left.
 *
 * <p>Per target and round: in one source transaction ({@code SET LOCAL shardshift.replica = on}, so the
 * source's moved-write trigger lets the writes through) it reads the target's progress (the last copied
 * seq) with {@code FOR UPDATE}, applies the next log entries in seq order, and records the new progress; only
 * then are the copied entries deleted from the target's log. A crash anywhere thus neither applies an entry
 * twice nor skips one. Entries are read only up to a horizon below which every log writer has finished: the
 * sequence value read before a snapshot of the target, once every transaction in progress in that snapshot
 * has ended (a transaction that took a lower seq but commits later would otherwise be skipped). A delete
 * applies only where the source row still has the deleted row's shard key value, so a row that moved to
 * another target meanwhile is not deleted by its old target's late entry.
 */
public final class ReverseReplicator implements AutoCloseable {
    /** How often the log is copied. */
    public static final Duration PERIOD = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(ReverseReplicator.class);
    private static final int BATCH = 5000;
    private static final String PROGRESS = "shardshift.shardshift_reverse_progress";
    private static final String OBSERVATION = "shardshift.shardshift_observation";

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final Map<String, TableSchema> byName;
    private final Instant windowEnd;
    private final Consumer<ReverseReplicator> onWindowEnd;
    private final Map<String, Horizon> horizons = new HashMap<>();
    private final Map<String, Long> copied = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopping;
    private Thread thread;

    /** The sequence value read before a target snapshot, safe once every transaction in that snapshot ended. */
    private record Horizon(long seq, String snapshot) {
    }

    /** The observation of the cutover to a generation, as recorded on the source. */
    public record Observation(long generation, Instant windowEnd, boolean ended) {
    }

    /**
     * @param onWindowEnd called once, from the replicator's thread, when the window has ended (after a last round)
     */
    public ReverseReplicator(MigrationSpec spec, List<TableSchema> tables, Instant windowEnd,
                             Consumer<ReverseReplicator> onWindowEnd) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.byName = tables.stream().collect(Collectors.toMap(t -> t.id().schema() + "." + t.id().table(), t -> t));
        this.windowEnd = windowEnd;
        this.onWindowEnd = onWindowEnd;
    }

    /** Creates the progress and observation tables on the source (idempotent). */
    public static void prepareSource(Connection source) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS shardshift");
            st.execute("CREATE TABLE IF NOT EXISTS " + PROGRESS + " (migration text NOT NULL, target text NOT NULL, "
                    + "last_seq bigint NOT NULL, PRIMARY KEY (migration, target))");
            st.execute("CREATE TABLE IF NOT EXISTS " + OBSERVATION + " (migration text PRIMARY KEY, generation bigint NOT NULL, "
                    + "window_end timestamptz NOT NULL, ended boolean NOT NULL)");
        }
    }

    /** Records, in the caller's source transaction, a new observation window with every target's progress at 0. */
    public static void begin(Connection source, String migration, List<String> targets, long generation, Instant windowEnd)
            throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + OBSERVATION + " VALUES (?, ?, ?, false) "
                + "ON CONFLICT (migration) DO UPDATE SET generation = EXCLUDED.generation, window_end = EXCLUDED.window_end, ended = false")) {
            ps.setString(1, migration);
            ps.setLong(2, generation);
            ps.setTimestamp(3, Timestamp.from(windowEnd));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + PROGRESS + " VALUES (?, ?, 0) "
                + "ON CONFLICT (migration, target) DO UPDATE SET last_seq = 0")) {
            for (String t : targets) {
                ps.setString(1, migration);
                ps.setString(2, t);
                ps.executeUpdate();
            }
        }
    }

    /** Marks the observation ended, in the caller's source transaction. */
    public static void end(Connection source, String migration) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("UPDATE " + OBSERVATION + " SET ended = true WHERE migration = ?")) {
            ps.setString(1, migration);
            ps.executeUpdate();
        }
    }

    /** The recorded observation of a migration, if a cutover recorded one. */
    public static Optional<Observation> observation(Connection source, String migration) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT generation, window_end, ended FROM " + OBSERVATION
                + " WHERE migration = ?")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Observation(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    public Instant windowEnd() {
        return windowEnd;
    }

    /** Starts copying in a thread of its own. */
    public synchronized ReverseReplicator start() {
        thread = new Thread(this::run, "reverse-replicator-" + spec.name());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "reverse-replication")) {
            replicate();
        }
    }

    private void replicate() {
        try (Connection source = connectSource()) {
            Map<String, Connection> targets = new LinkedHashMap<>();
            try {
                while (!stopping) {
                    boolean last = !Instant.now().isBefore(windowEnd);
                    for (TargetSpec t : spec.targets()) {
                        copyRound(targets, source, t);
                    }
                    if (last) {
                        onWindowEnd.accept(this);
                        return;
                    }
                    stop.await(PERIOD.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                for (Connection c : targets.values()) {
                    closeQuietly(c);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.error("reverse replication of {} stopped: {}", spec.name(), e.getMessage(), e);
        }
    }

    private void copyRound(Map<String, Connection> targets, Connection source, TargetSpec t) {
        try (LoggingContext.Scope ignored = LoggingContext.with(LoggingContext.TARGET, t.name())) {
            Connection target = targets.get(t.name());
            if (target == null || target.isClosed()) {
                target = ReverseLog.connect(t);
                targets.put(t.name(), target);
            }
            long horizon = horizon(target, t.name());
            if (horizon > 0) {
                copy(target, source, t.name(), horizon);
            }
        } catch (SQLException e) {
            LOG.warn("reverse replication from {} to the source failed, retrying in {} ms: {}", t.name(),
                    PERIOD.toMillis(), e.getMessage());
            closeQuietly(targets.remove(t.name()));
            horizons.remove(t.name());
        }
    }

    /** The seq up to which the target's log is complete, advancing once per round (0 while unknown). */
    private long horizon(Connection target, String name) throws SQLException {
        long safe = 0;
        Horizon pending = horizons.get(name);
        if (pending != null) {
            try (PreparedStatement ps = target.prepareStatement("SELECT coalesce(max(x) < pg_snapshot_xmin(pg_current_snapshot()), true) "
                    + "FROM pg_snapshot_xip(?::pg_snapshot) x")) {
                ps.setString(1, pending.snapshot());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            safe = pending.seq();
        }
        long seq;
        try (Statement st = target.createStatement();
             ResultSet rs = st.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
                     + ReverseLog.LOG_TABLE + "_seq_seq")) {
            rs.next();
            seq = rs.getLong(1);
        }
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
            rs.next();
            horizons.put(name, new Horizon(seq, rs.getString(1)));
        }
        return safe;
    }

    /** One round for one target: copy, record progress, commit, then purge the target's log. */
    private void copy(Connection target, Connection source, String name, long horizon) throws SQLException {
        source.setAutoCommit(false);
        Copied round;
        try {
            round = copyInto(source, target, name, horizon);
            source.commit();
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        } finally {
            source.setAutoCommit(true);
        }
        if (round.writes() > 0) {
            copied.merge(name, round.writes(), Long::sum);
            LOG.debug("reverse replication: {} writes from {} copied to the source (up to seq {})", round.writes(), name,
                    round.lastSeq());
        }
        purge(target, round.lastSeq());
    }

    /**
     * Copies a target's logged writes above its recorded progress and up to {@code horizon}, in seq order, into
     * the caller's open source transaction, and records the new progress in it. Under a rollback, with the
     * target tables locked, pass {@link Long#MAX_VALUE}: everything logged is complete.
     *
     * @return writes copied, and the progress recorded
     */
    public Copied copyInto(Connection source, Connection target, String name, long horizon) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("SET LOCAL shardshift.replica = on");
        }
        long from = progress(source, name, true);
        long n = 0;
        while (true) {
            List<Entry> batch = read(target, from, horizon);
            if (batch.isEmpty()) {
                break;
            }
            apply(source, batch);
            from = batch.get(batch.size() - 1).seq();
            n += batch.size();
            if (batch.size() < BATCH) {
                break;
            }
        }
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + PROGRESS + " VALUES (?, ?, ?) "
                + "ON CONFLICT (migration, target) DO UPDATE SET last_seq = EXCLUDED.last_seq")) {
            ps.setString(1, spec.name());
            ps.setString(2, name);
            ps.setLong(3, from);
            ps.executeUpdate();
        }
        return new Copied(n, from);
    }

    /**
     * What one {@link #copyInto} did.
     *
     * @param writes  entries copied
     * @param lastSeq the target's progress recorded with them: every entry up to it is on the source
     */
    public record Copied(long writes, long lastSeq) {
    }

    private record Entry(long seq, String table, String op, String json) {
    }

    private static List<Entry> read(Connection target, long after, long upTo) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT seq, table_name, op, row_json::text FROM "
                + ReverseLog.LOG_TABLE + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT " + BATCH)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    /** Applies entries in order, batching runs of the same statement. */
    private void apply(Connection source, List<Entry> entries) throws SQLException {
        int i = 0;
        while (i < entries.size()) {
            Entry first = entries.get(i);
            TableSchema t = byName.get(first.table());
            if (t == null) {
                throw new SQLException("reverse log entry " + first.seq() + " names table " + first.table()
                        + " which this migration does not move");
            }
            boolean delete = "DELETE".equals(first.op());
            try (PreparedStatement ps = source.prepareStatement(delete ? delete(t) : upsert(t))) {
                int j = i;
                while (j < entries.size() && entries.get(j).table().equals(first.table())
                        && "DELETE".equals(entries.get(j).op()) == delete) {
                    ps.setString(1, entries.get(j).json());
                    ps.addBatch();
                    j++;
                }
                ps.executeBatch();
                i = j;
            }
        }
    }

    private long progress(Connection source, String name, boolean lock) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT last_seq FROM " + PROGRESS
                + " WHERE migration = ? AND target = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, spec.name());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void purge(Connection target, long upTo) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("DELETE FROM " + ReverseLog.LOG_TABLE + " WHERE seq <= ?")) {
            ps.setLong(1, upTo);
            ps.executeUpdate();
        }
    }

    private static String upsert(TableSchema t) {
        String cols = t.columnNames().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String pk = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String set = t.columnNames().stream().filter(c -> !t.primaryKey().contains(c))
                .map(c -> SqlIdentifiers.quote(c) + " = EXCLUDED." + SqlIdentifiers.quote(c)).collect(Collectors.joining(", "));
        return "INSERT INTO " + ReverseLog.name(t) + " (" + cols + ") SELECT " + cols + " FROM jsonb_populate_record(NULL::"
                + ReverseLog.name(t) + ", ?::jsonb) ON CONFLICT (" + pk + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
    }

    private String delete(TableSchema t) {
        String match = t.primaryKey().stream().map(SqlIdentifiers::quote).map(c -> "t." + c + " = r." + c)
                .collect(Collectors.joining(" AND "));
        String shardKey = SqlIdentifiers.quote(spec.shardKeyOf(t.id()));
        return "DELETE FROM " + ReverseLog.name(t) + " t USING jsonb_populate_record(NULL::" + ReverseLog.name(t)
                + ", ?::jsonb) r WHERE " + match + " AND t." + shardKey + " IS NOT DISTINCT FROM r." + shardKey;
    }

    /**
     * Writes logged on the targets and not yet copied to the source (a status figure; a target that cannot
     * be read counts as -1).
     */
    public long lag() {
        long total = 0;
        try (Connection source = connectSource()) {
            for (TargetSpec t : spec.targets()) {
                long last = progress(source, t.name(), false);
                try (Connection c = ReverseLog.connect(t);
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + ReverseLog.LOG_TABLE + " WHERE seq > ?")) {
                    ps.setLong(1, last);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
            return total;
        } catch (SQLException e) {
            LOG.warn("cannot read the reverse replication lag of {}: {}", spec.name(), e.getMessage());
            return -1;
        }
    }

    /** Writes copied to the source by this replicator, per target. */
    public Map<String, Long> copied() {
        return Map.copyOf(copied);
    }

    /** True once {@link #close()} was called: a window-end callback should give up waiting. */
    public boolean stopping() {
        return stopping;
    }

    private Connection connectSource() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    /** Stops copying and waits for the current round to end (never call it from the window-end callback). */
    @Override
    public void close() {
        stopping = true;
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
