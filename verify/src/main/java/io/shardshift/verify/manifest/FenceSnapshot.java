package io.shardshift.verify.manifest;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.verify.internal.CanonicalSession;
import io.shardshift.verify.internal.KeyRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The targets' state at a cutover's fence, held open to build its {@link Manifest} later. Taken during the write
 * freeze, after the drain: every target has applied exactly the changes up to the fence LSN and nothing writes
 * to it (the source is locked, applications are frozen), so a {@code REPEATABLE READ} snapshot taken then is the
 * fence state. The manifest is read from these snapshots after writes resume, so reading every row never
 * lengthens the pause.
 *
 * <p>One connection per target stays in its transaction until {@link #close}. It takes no table lock until the
 * manifest is read; meanwhile a {@code CREATE INDEX CONCURRENTLY} on a target (a rollback relaxing the unique
 * indexes) waits for it to end.
 */
public final class FenceSnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FenceSnapshot.class);

    private final Map<String, Connection> connections;
    private final Map<String, String> snapshots;
    private final Instant takenAt;

    private FenceSnapshot(Map<String, Connection> connections, Map<String, String> snapshots, Instant takenAt) {
        this.connections = connections;
        this.snapshots = snapshots;
        this.takenAt = takenAt;
    }

    /**
     * Opens a repeatable-read transaction on every target and takes its snapshot now.
     *
     * @throws SQLException naming the target that could not be read (the others are closed)
     */
    public static FenceSnapshot take(List<TargetSpec> targets) throws SQLException {
        Map<String, Connection> connections = new LinkedHashMap<>();
        Map<String, String> snapshots = new LinkedHashMap<>();
        String current = null;
        try {
            for (TargetSpec t : targets) {
                current = t.name();
                Connection c = CanonicalSession.of(DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password()));
                connections.put(t.name(), c);
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
                    rs.next();
                    snapshots.put(t.name(), rs.getString(1));
                }
            }
        } catch (SQLException e) {
            closeAll(connections);
            throw new SQLException("cannot take the fence snapshot of target " + current + ": "
                    + e.getMessage(), e.getSQLState(), e);
        }
        return new FenceSnapshot(connections, snapshots, Instant.now());
    }

    /**
     * Reads the manifest from the snapshots.
     *
     * @param shardKeys the shard key column of each table
     * @param chunkRows the most rows of one target per chunk
     */
    public Manifest manifest(String migration, String cutover, long generation, long fence, List<TableSchema> tables,
                             Function<TableId, String> shardKeys, int chunkRows) throws SQLException {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, was " + chunkRows);
        }
        List<Manifest.TableEntry> entries = new ArrayList<>();
        for (TableSchema table : tables) {
            String shardKey = shardKeys.apply(table.id());
            ChunkReads reads = ChunkReads.of(table, shardKey);
            List<Manifest.TargetEntry> held = new ArrayList<>();
            for (Map.Entry<String, Connection> target : connections.entrySet()) {
                held.add(read(reads, target.getKey(), target.getValue(), chunkRows));
            }
            List<Manifest.KeyColumn> key = table.primaryKey().stream()
                    .map(k -> new Manifest.KeyColumn(k, table.column(k).orElseThrow().type())).toList();
            entries.add(new Manifest.TableEntry(reads.table(), shardKey, table.columnNames(), key, held));
        }
        return new Manifest(Manifest.FORMAT, Manifest.VERSION, migration, cutover, generation, Lsn.format(fence),
                takenAt.toString(), Manifest.HASHING, chunkRows, entries);
    }

    private Manifest.TargetEntry read(ChunkReads reads, String target, Connection c, int chunkRows) throws SQLException {
        try {
            List<Manifest.Chunk> chunks = new ArrayList<>();
            long rows = 0;
            for (KeyRange range : reads.chunks(c, chunkRows)) {
                List<Manifest.TenantSum> sums = reads.sums(c, range);
                rows += sums.stream().mapToLong(Manifest.TenantSum::rows).sum();
                chunks.add(new Manifest.Chunk(range.after(), range.upTo(), sums));
            }
            return new Manifest.TargetEntry(target, snapshots.get(target), rows, chunks);
        } catch (SQLException e) {
            throw new SQLException("cannot read table " + reads.table() + " on target " + target + " for the manifest: "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Ends the snapshots' transactions. */
    @Override
    public void close() {
        closeAll(connections);
    }

    private static void closeAll(Map<String, Connection> connections) {
        connections.forEach((name, c) -> {
            try {
                c.rollback();
            } catch (SQLException e) {
                LOG.debug("rollback of the fence snapshot on {}: {}", name, e.getMessage());
            }
            try {
                c.close();
            } catch (SQLException e) {
                LOG.warn("cannot close the fence snapshot's connection to {}: {}", name, e.getMessage());
            }
        });
    }
}
