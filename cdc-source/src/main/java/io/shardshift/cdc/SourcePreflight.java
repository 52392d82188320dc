package io.shardshift.cdc;

import io.shardshift.cdc.internal.CapturableTypes;
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
 * column and has {@code REPLICA IDENTITY FULL} and no column of a type change capture cannot carry exactly
 * ({@link CapturableTypes}); every target is reachable. Each problem is a
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
            checkDomainsOverEnums(source, spec);
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

    /** Debezium's type registry reads every type of the database and fails to start on a domain over an enum. */
    private static void checkDomainsOverEnums(Connection source, MigrationSpec spec) throws SQLException {
        List<String> domains = new ArrayList<>();
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype = 'd' AND t.typcategory = 'E' ORDER BY 1""")) {
            while (rs.next()) {
                domains.add(rs.getString(1));
            }
        }
        if (!domains.isEmpty()) {
            throw new SpecException("source.jdbcUrl", "the source " + spec.source().jdbcUrl() + " has domains over enum"
                    + " types " + domains + ", on which change capture (Debezium's type registry) fails to start,"
                    + " whichever tables use them; change them to the enum itself or to a domain over text");
        }
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
            List<String> uncapturable = CapturableTypes.problems(schema);
            if (!uncapturable.isEmpty()) {
                throw new SpecException(field, String.join("; ", uncapturable));
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
