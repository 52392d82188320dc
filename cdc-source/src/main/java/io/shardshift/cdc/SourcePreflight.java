package io.shardshift.cdc;

import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.TableSpec;
import io.shardshift.core.spec.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything starts, that the live systems can run a migration spec: the source is
 * reachable and has {@code wal_level=logical}; every table exists, has a primary key, has its shard key
 * column and has {@code REPLICA IDENTITY FULL}; every target is reachable. Each problem is a
 * {@link SpecException} naming the spec field (or table) and what to do.
 */
public final class SourcePreflight {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePreflight.class);

    private SourcePreflight() {
    }

    /**
     * Runs every check.
     *
     * @return the definitions of the spec's tables, in spec order
     * @throws SpecException naming the first problem found
     */
    public static List<TableSchema> check(MigrationSpec spec) {
        List<TableSchema> schemas;
        try (Connection source = connect(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "source.jdbcUrl", spec.name())) {
            checkWalLevel(source, spec);
            warnUnlimitedSlotRetention(source);
            schemas = checkTables(source, spec);
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "checking the source " + spec.source().jdbcUrl() + " failed: "
                    + PgConnections.describe(e, spec.source().password()), e);
        }
        for (int i = 0; i < spec.targets().size(); i++) {
            TargetSpec target = spec.targets().get(i);
            try (Connection ignored = connect(target.jdbcUrl(), target.user(), target.password(),
                    "targets[" + i + "].jdbcUrl", spec.name())) {
                LOG.debug("target {} is reachable", target.name());
            } catch (SQLException e) {
                throw new SpecException("targets[" + i + "].jdbcUrl", "closing the connection failed: "
                        + PgConnections.describe(e, target.password()), e);
            }
        }
        LOG.info("preflight of migration {} passed: {} tables, {} targets", spec.name(), schemas.size(),
                spec.targets().size());
        return schemas;
    }

    private static Connection connect(String url, String user, String password, String field, String migration) {
        try {
            return PgConnections.open(url, user, password, "shardshift-" + migration + "-preflight");
        } catch (SQLException e) {
            throw new SpecException(field, "cannot connect to " + url + " as " + user + ": "
                    + PgConnections.describe(e, password), e);
        }
    }

    private static void checkWalLevel(Connection source, MigrationSpec spec) throws SQLException {
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                throw new SpecException("source.jdbcUrl", "the source " + spec.source().jdbcUrl() + " has wal_level="
                        + level + "; logical replication needs wal_level=logical (set it in postgresql.conf,"
                        + " or ALTER SYSTEM SET wal_level = logical, and restart PostgreSQL)");
            }
        }
    }

    /** Warns (does not refuse) when a stopped migrator's slot may retain WAL until the source's disk is full. */
    private static void warnUnlimitedSlotRetention(Connection source) throws SQLException {
        try (Statement st = source.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('max_slot_wal_keep_size', true)")) {
            rs.next();
            slotRetentionWarning(rs.getString(1)).ifPresent(LOG::warn);
        }
    }

    /**
     * The warning for a source's {@code max_slot_wal_keep_size}: present when it is {@code -1} (unlimited).
     *
     * @param maxSlotWalKeepSize the setting as {@code SHOW} prints it, e.g. {@code -1} or {@code 10GB}; null
     *                           before PostgreSQL 13, which has no limit
     */
    public static Optional<String> slotRetentionWarning(String maxSlotWalKeepSize) {
        if (maxSlotWalKeepSize != null && !"-1".equals(maxSlotWalKeepSize.strip())) {
            return Optional.empty();
        }
        return Optional.of("the source has max_slot_wal_keep_size = -1 (unlimited): while the migrator"
                + " is stopped its replication slot retains WAL without limit and can fill the source's disk. Consider"
                + " ALTER SYSTEM SET max_slot_wal_keep_size = '<a size the disk can hold, e.g. 50GB>'; SELECT"
                + " pg_reload_conf(); past it the slot is lost (wal_status 'lost') and the migration must start again"
                + " with a fresh backfill");
    }

    private static List<TableSchema> checkTables(Connection source, MigrationSpec spec) throws SQLException {
        SourceCatalog catalog = new SourceCatalog(source);
        List<TableSchema> out = new ArrayList<>();
        for (int i = 0; i < spec.tables().size(); i++) {
            TableSpec tableSpec = spec.tables().get(i);
            TableId table = TableId.parse(tableSpec.name());
            String field = "tables[" + i + "].name";
            Optional<TableSchema> found;
            try {
                found = catalog.find(table);
            } catch (IllegalArgumentException e) {
                throw new SpecException(field, e.getMessage(), e);
            }
            TableSchema schema = found.orElseThrow(() -> new SpecException(field,
                    "table " + table + " does not exist in the source " + spec.source().jdbcUrl()));
            if (schema.primaryKey().isEmpty()) {
                throw new SpecException(field, "table " + table + " has no primary key; change events are keyed"
                        + " and ordered by primary key, so add one (ALTER TABLE " + table.quoted()
                        + " ADD PRIMARY KEY (...))");
            }
            String shardKey = spec.shardKeyOf(table);
            if (schema.column(shardKey).isEmpty()) {
                throw new SpecException(spec.shardKeyFieldOf(table), "table " + table
                        + " has no shard key column '" + shardKey + "' (columns: " + schema.columnNames() + ")");
            }
            if (!schema.replicaIdentityFull()) {
                throw new SpecException(field, "table " + table + " does not have REPLICA IDENTITY FULL, so updates"
                        + " and deletes would not carry the shard key and unchanged TOAST values; run: "
                        + replicaIdentityFix(table));
            }
            out.add(schema);
        }
        return out;
    }

    /** The SQL that gives a table the replica identity the migration needs. */
    public static String replicaIdentityFix(TableId table) {
        return "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL;";
    }
}
