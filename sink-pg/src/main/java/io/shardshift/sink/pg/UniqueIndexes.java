package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.sink.pg.internal.DdlBuilder;
import io.shardshift.sink.pg.internal.IndexCatalog;
import io.shardshift.sink.pg.internal.SqlStates;
import io.shardshift.sink.pg.internal.Targets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores the source's unique indexes on a target at the cutover, after the drain, and makes them non-unique
 * stand-ins again ({@link #relax}) when the cutover aborts or is rolled back.
 *
 * <p>{@link PgProvisioner} creates each unique index of the source non-unique, under the source's name (the
 * <em>stand-in</em>), because while migrating the targets apply different keys' changes in another order
 * than the source committed them. Once the cutover drained the targets to the fence (writes frozen) the forward
 * stream is idle and the target equals the source at the fence, so for each unique index of the table {@link #restore(Connection, TableSchema)}:
 * <ol>
 *   <li>builds {@code CREATE UNIQUE INDEX CONCURRENTLY} under {@link #buildName(String) buildName(name)}
 *       (writes go on meanwhile);</li>
 *   <li>drops the stand-in ({@code DROP INDEX CONCURRENTLY}) and renames the unique index to the source's name.</li>
 * </ol>
 * It is idempotent: run again after a crash it finishes the job, dropping and rebuilding an invalid index a
 * failed concurrent build left behind. When rows share a key value the stand-in is kept and a
 * {@link DuplicateKeysException} names the table, index, values and rows (after every other index was
 * restored). The indexes are btree on plain columns: the source's expression and partial indexes are not
 * copied to targets at all.
 */
public final class UniqueIndexes {
    private static final Logger LOG = LoggerFactory.getLogger(UniqueIndexes.class);
    private static final String SUFFIX = "_ss_unique";
    private static final int MAX_NAME = 63;
    private static final int MAX_DUPLICATES = 10;

    private UniqueIndexes() {
    }

    /**
     * Restores the unique indexes of every table on a target, on one new connection.
     *
     * @throws DuplicateKeysException naming every duplicated key found, once all other indexes are restored
     * @throws SinkException          when the target fails (running it again resumes)
     */
    public static void restore(TargetSpec target, List<TableSchema> tables) {
        Objects.requireNonNull(tables, "tables");
        try (Connection c = Targets.connect(target, "unique-indexes")) {
            c.setAutoCommit(true);
            List<DuplicateKeysException.Duplicate> duplicates = new ArrayList<>();
            for (TableSchema t : tables) {
                try {
                    restore(c, t);
                } catch (DuplicateKeysException e) {
                    duplicates.addAll(e.duplicates());
                }
            }
            if (!duplicates.isEmpty()) {
                throw new DuplicateKeysException(Targets.describe(target), duplicates);
            }
        } catch (SQLException e) {
            throw new SinkException("restoring unique indexes on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(SqlStates.state(e) + " " + e.getMessage(), target), e);
        }
    }

    /**
     * Restores the unique indexes of one table; see the class comment.
     *
     * @param target a connection to the target in auto-commit mode (concurrent index builds cannot run in a
     *               transaction); the caller owns it
     * @throws IllegalArgumentException when the connection is not in auto-commit mode or an index is not valid
     * @throws DuplicateKeysException   naming the duplicated keys, once all other indexes are restored
     * @throws SinkException            naming the table and index when the target fails (running it again resumes)
     */
    public static void restore(Connection target, TableSchema table) {
        Objects.requireNonNull(table, "table");
        String database = database(requireAutoCommit(target));
        List<DuplicateKeysException.Duplicate> duplicates = new ArrayList<>();
        for (IndexDef ix : uniqueIndexes(table)) {
            duplicates.addAll(restore(target, table, ix, database));
        }
        if (!duplicates.isEmpty()) {
            throw new DuplicateKeysException("database '" + database + "'", duplicates);
        }
    }

    /**
     * Makes the unique indexes of every table on a target non-unique stand-ins again (a cutover that made them
     * unique was aborted or rolled back, so the forward stream applies changes out of order again), on one new
     * connection. Idempotent, like {@link #restore}: for each index built unique, a non-unique index is built
     * concurrently beside it under {@link #relaxName(String)}, the unique one dropped, and the stand-in renamed to
     * the source's name.
     *
     * @throws SinkException when the target fails (running it again resumes)
     */
    public static void relax(TargetSpec target, List<TableSchema> tables) {
        Objects.requireNonNull(tables, "tables");
        try (Connection c = Targets.connect(target, "unique-indexes")) {
            c.setAutoCommit(true);
            for (TableSchema t : tables) {
                for (IndexDef ix : uniqueIndexes(t)) {
                    relax(c, t, ix);
                }
            }
        } catch (SQLException e) {
            throw new SinkException("making unique indexes non-unique on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(SqlStates.state(e) + " " + e.getMessage(), target), e);
        }
    }

    /** The name a non-unique stand-in is built under beside a unique index: {@code name_ss_plain}, shortened as needed. */
    public static String relaxName(String index) {
        return withSuffix(index, "_ss_plain");
    }

    private static void relax(Connection c, TableSchema table, IndexDef ix) throws SQLException {
        String schema = table.id().schema();
        String plain = relaxName(ix.name());
        Optional<IndexCatalog.Found> current = IndexCatalog.find(c, table, ix.name());
        if (current.isPresent() && !current.get().onTable()) {
            throw new SinkException("unique index " + ix.name() + " of table " + table.id()
                    + ": an index of another table has that name");
        }
        if (current.isPresent() && !current.get().unique()) {
            execute(c, DdlBuilder.dropIndexConcurrently(schema, plain));
            return;
        }
        Optional<IndexCatalog.Found> built = IndexCatalog.find(c, table, plain);
        if (built.isPresent() && (built.get().unique() || !built.get().valid())) {
            execute(c, DdlBuilder.dropIndexConcurrently(schema, plain));
            built = Optional.empty();
        }
        if (built.isEmpty()) {
            execute(c, DdlBuilder.createIndexConcurrently(table, ix, plain));
        }
        if (current.isPresent()) {
            execute(c, DdlBuilder.dropIndexConcurrently(schema, ix.name()));
        }
        execute(c, DdlBuilder.renameIndex(schema, plain, ix.name()));
        LOG.info("Unique index {} of table {} is a non-unique stand-in again", ix.name(), table.id());
    }

    /**
     * The unique indexes of the table that are not (yet) unique on the target, by the source's name; empty
     * when all are restored (or the table has none).
     */
    public static List<String> pending(Connection target, TableSchema table) {
        List<String> out = new ArrayList<>();
        try {
            for (IndexDef ix : uniqueIndexes(table)) {
                if (!IndexCatalog.find(target, table, ix.name()).map(f -> f.isUniqueVersionOf(ix)).orElse(false)) {
                    out.add(ix.name());
                }
            }
        } catch (SQLException e) {
            throw new SinkException("reading the indexes of table " + table.id() + " failed: "
                    + SqlStates.state(e) + " " + e.getMessage(), e);
        }
        return out;
    }

    /** Whether every unique index of the table is unique (and valid) on the target. */
    public static boolean restored(Connection target, TableSchema table) {
        return pending(target, table).isEmpty();
    }

    /** The tables of a target that still have unique indexes to restore, with their names; empty when all are done. */
    public static Map<TableId, List<String>> pending(TargetSpec target, List<TableSchema> tables) {
        Map<TableId, List<String>> out = new LinkedHashMap<>();
        try (Connection c = Targets.connect(target, "unique-indexes")) {
            for (TableSchema t : tables) {
                List<String> names = pending(c, t);
                if (!names.isEmpty()) {
                    out.put(t.id(), names);
                }
            }
        } catch (SQLException e) {
            throw new SinkException("reading indexes on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(SqlStates.state(e) + " " + e.getMessage(), target), e);
        }
        return out;
    }

    /**
     * The name the unique index is built under beside its stand-in, before it takes the source's name:
     * {@code name_ss_unique}, shortened with a hash when that would pass 63 bytes.
     */
    public static String buildName(String index) {
        return withSuffix(index, SUFFIX);
    }

    private static String withSuffix(String index, String suffix) {
        String name = index + suffix;
        if (SqlIdentifiers.byteLength(name) <= MAX_NAME) {
            return name;
        }
        String hash = String.format("%08x", index.hashCode());
        return SqlIdentifiers.truncateToBytes(index, MAX_NAME - suffix.length() - hash.length() - 1) + "_" + hash
                + suffix;
    }

    private static List<DuplicateKeysException.Duplicate> restore(Connection c, TableSchema table, IndexDef ix,
                                                                 String database) {
        String schema = table.id().schema();
        String build = buildName(ix.name());
        String create = DdlBuilder.createUniqueIndexConcurrently(table, ix, build);
        String what = "unique index " + ix.name() + " of table " + table.id() + " on database '" + database + "'";
        String statement = "(reading the catalog)";
        try {
            Optional<IndexCatalog.Found> standIn = IndexCatalog.find(c, table, ix.name());
            if (standIn.isPresent() && !standIn.get().onTable()) {
                throw new SinkException(what + ": an index of another table has that name");
            }
            Optional<IndexCatalog.Found> built = IndexCatalog.find(c, table, build);
            if (standIn.map(f -> f.isUniqueVersionOf(ix)).orElse(false)) {
                if (built.isPresent()) {
                    statement = DdlBuilder.dropIndexConcurrently(schema, build);
                    execute(c, statement);
                }
                LOG.debug("The {} is already restored", what);
                return List.of();
            }
            if (built.isPresent() && !built.get().isUniqueVersionOf(ix)) {
                LOG.info("Dropping index {} of table {}, left {} by an earlier restore", build, table.id(),
                        built.get().valid() ? "not matching" : "invalid");
                statement = DdlBuilder.dropIndexConcurrently(schema, build);
                execute(c, statement);
                built = Optional.empty();
            }
            if (built.isEmpty()) {
                LOG.info("Building {} concurrently as {}", what, build);
                statement = create;
                try {
                    execute(c, create);
                } catch (SQLException e) {
                    if (!"23505".equals(SqlStates.state(e))) {
                        throw e;
                    }
                    statement = DdlBuilder.dropIndexConcurrently(schema, build);
                    execute(c, statement);
                    return duplicates(c, table, ix, what, e);
                }
            }
            if (standIn.isPresent()) {
                statement = DdlBuilder.dropIndexConcurrently(schema, ix.name());
                execute(c, statement);
            }
            statement = DdlBuilder.renameIndex(schema, build, ix.name());
            execute(c, statement);
            LOG.info("Restored {}", what);
            return List.of();
        } catch (SQLException e) {
            throw new SinkException("restoring " + what + " failed: " + SqlStates.state(e) + " " + e.getMessage()
                    + " (run the restore again to resume)\n" + statement, e);
        }
    }

    private static List<DuplicateKeysException.Duplicate> duplicates(Connection c, TableSchema table, IndexDef ix,
                                                                    String what, SQLException cause) throws SQLException {
        List<DuplicateKeysException.Duplicate> out = new ArrayList<>();
        for (IndexCatalog.DuplicateKey d : IndexCatalog.duplicates(c, table, ix, MAX_DUPLICATES)) {
            out.add(new DuplicateKeysException.Duplicate(table.id(), ix.name(), ix.columns(), d.values(), d.rows(),
                    d.primaryKeys(), table.primaryKey()));
        }
        if (out.isEmpty()) {
            throw new SinkException("restoring " + what + " hit a duplicate key that no row holds any more ("
                    + cause.getMessage() + "); run the restore again", cause);
        }
        LOG.warn("Cannot restore {}: rows share {} key values, e.g. {}; keeping the non-unique index", what,
                out.size(), out.get(0).describe());
        return out;
    }

    private static List<IndexDef> uniqueIndexes(TableSchema table) {
        return table.indexes().stream().filter(IndexDef::unique).toList();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection requireAutoCommit(Connection c) {
        Objects.requireNonNull(c, "target");
        try {
            if (!c.getAutoCommit()) {
                throw new IllegalArgumentException("the connection must be in auto-commit mode: "
                        + "CREATE INDEX CONCURRENTLY cannot run inside a transaction");
            }
        } catch (SQLException e) {
            throw new SinkException("the connection to the target is not usable: " + e.getMessage(), e);
        }
        return c;
    }

    private static String database(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new SinkException("the connection to the target is not usable: " + e.getMessage(), e);
        }
    }
}
