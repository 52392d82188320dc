package io.shardshift.cdc;

import io.shardshift.cdc.internal.CapturableTypes;
import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.KeyTypes;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything starts, that the live systems can run a migration spec: the source is
 * reachable and has {@code wal_level=logical}; every table exists, has a key (its primary key, else its
 * unique {@code NOT NULL} index, see {@link SourceCatalog#keyIndexOf}), has its shard key column and has
 * {@code REPLICA IDENTITY FULL}; key and shard key columns have a type with canonical key text
 * ({@link KeyTypes}); no column has a type change capture cannot carry exactly ({@link CapturableTypes});
 * every target is reachable. It checks everything and reports every problem
 * at once in one {@link SpecException}, each naming the spec field (or table) and the statement or setting
 * that fixes it.
 */
public final class SourcePreflight {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePreflight.class);

    private SourcePreflight() {
    }

    /**
     * Runs every check.
     *
     * @return the definitions of the spec's tables, in spec order
     * @throws SpecException listing every problem found
     */
    public static List<TableSchema> check(MigrationSpec spec) {
        List<SpecException.Problem> problems = new ArrayList<>();
        List<TableSchema> schemas = new ArrayList<>();
        try (Connection source = connect(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "source.jdbcUrl", spec.name())) {
            checkWalLevel(source, spec, problems);
            checkReplicationCapacity(source, spec, problems);
            warnUnlimitedSlotRetention(source);
            checkDomainsOverEnums(source, spec, problems);
            schemas = checkTables(source, spec, problems);
        } catch (SpecException e) {
            problems.addAll(e.problems());
        } catch (SQLException e) {
            problems.add(new SpecException.Problem("source.jdbcUrl", "checking the source " + spec.source().jdbcUrl()
                    + " failed: " + PgConnections.describe(e, spec.source().password())));
        }
        for (int i = 0; i < spec.targets().size(); i++) {
            TargetSpec target = spec.targets().get(i);
            String field = "targets[" + i + "].jdbcUrl";
            try (Connection ignored = connect(target.jdbcUrl(), target.user(), target.password(), field, spec.name())) {
                LOG.debug("target {} is reachable", target.name());
            } catch (SpecException e) {
                problems.addAll(e.problems());
            } catch (SQLException e) {
                problems.add(new SpecException.Problem(field, "closing the connection failed: "
                        + PgConnections.describe(e, target.password())));
            }
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
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

    private static void checkWalLevel(Connection source, MigrationSpec spec, List<SpecException.Problem> problems)
            throws SQLException {
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                problems.add(new SpecException.Problem("source.jdbcUrl", "the source " + spec.source().jdbcUrl()
                        + " has wal_level=" + level + "; logical replication needs wal_level=logical (set it in"
                        + " postgresql.conf, or ALTER SYSTEM SET wal_level = logical;, and restart PostgreSQL)"));
            }
        }
    }

    /**
     * Every capture group needs a replication slot and a WAL sender: refuses, naming {@code capture.groups}, when
     * {@code max_replication_slots} has too few free for the groups' slots not made yet, or {@code max_wal_senders}
     * too few not used by others for one per group.
     */
    private static void checkReplicationCapacity(Connection source, MigrationSpec spec,
                                                 List<SpecException.Problem> problems) throws SQLException {
        int groups = spec.captureGroups();
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT current_setting('max_replication_slots')::int,
                       current_setting('max_wal_senders')::int,
                       (SELECT count(*) FROM pg_replication_slots)::int,
                       (SELECT count(*) FROM pg_replication_slots WHERE slot_name = ANY(?))::int,
                       (SELECT count(*) FROM pg_stat_replication)::int,
                       (SELECT count(*) FROM pg_replication_slots WHERE slot_name = ANY(?) AND active)::int""")) {
            java.sql.Array mine = source.createArrayOf("text", spec.slotNames().toArray());
            ps.setArray(1, mine);
            ps.setArray(2, mine);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int maxSlots = rs.getInt(1);
                int maxSenders = rs.getInt(2);
                int slots = rs.getInt(3);
                int missing = groups - rs.getInt(4);
                int othersSending = rs.getInt(5) - rs.getInt(6);
                String what = groups == 1 ? "capture needs 1" : "capture.groups = " + groups + " needs " + groups;
                if (maxSlots - slots < missing) {
                    problems.add(new SpecException.Problem("capture.groups", "the source " + spec.source().jdbcUrl()
                            + " has max_replication_slots = " + maxSlots + " with " + slots + " in use; " + what
                            + " (" + missing + " not made yet): set max_replication_slots to at least " + (slots + missing)
                            + " (ALTER SYSTEM SET max_replication_slots = " + (slots + missing) + "; and restart"
                            + " PostgreSQL), drop unused slots, or lower capture.groups"));
                }
                if (maxSenders - othersSending < groups) {
                    problems.add(new SpecException.Problem("capture.groups", "the source " + spec.source().jdbcUrl()
                            + " has max_wal_senders = " + maxSenders + " with " + othersSending + " used by other"
                            + " replication connections; " + what + " WAL sender(s): set max_wal_senders to at least "
                            + (othersSending + groups) + " (ALTER SYSTEM SET max_wal_senders = " + (othersSending + groups)
                            + "; and restart PostgreSQL), or lower capture.groups"));
                }
            }
        }
    }

    /** Debezium's type registry reads every type of the database and fails to start on a domain over an enum. */
    private static void checkDomainsOverEnums(Connection source, MigrationSpec spec,
                                              List<SpecException.Problem> problems) throws SQLException {
        List<String> domains = new ArrayList<>();
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype = 'd' AND t.typcategory = 'E' ORDER BY 1""")) {
            while (rs.next()) {
                domains.add(rs.getString(1));
            }
        }
        if (!domains.isEmpty()) {
            problems.add(new SpecException.Problem("source.jdbcUrl", "the source " + spec.source().jdbcUrl() + " has domains over enum"
                    + " types " + domains + ", on which change capture (Debezium's type registry) fails to start,"
                    + " whichever tables use them; change them to the enum itself or to a domain over text"));
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

    private static List<TableSchema> checkTables(Connection source, MigrationSpec spec,
                                                 List<SpecException.Problem> problems) throws SQLException {
        SourceCatalog catalog = new SourceCatalog(source);
        List<TableSchema> out = new ArrayList<>();
        for (int i = 0; i < spec.tables().size(); i++) {
            TableId table = TableId.parse(spec.tables().get(i).name());
            String field = "tables[" + i + "].name";
            Optional<TableSchema> found;
            try {
                found = catalog.find(table);
            } catch (IllegalArgumentException e) {
                problems.add(new SpecException.Problem(field, e.getMessage()));
                continue;
            }
            if (found.isEmpty()) {
                problems.add(new SpecException.Problem(field, "table " + table + " does not exist in the source "
                        + spec.source().jdbcUrl() + " (an unquoted name is folded to lower case; write a name with"
                        + " capitals or spaces in double quotes, e.g. 'public.\"Order Items\"')"));
                continue;
            }
            TableSchema schema = found.get();
            CapturableTypes.problems(schema).forEach(p -> problems.add(new SpecException.Problem(field, p)));
            checkTable(schema, catalog, spec, field, problems);
            out.add(schema);
        }
        return out;
    }

    private static void checkTable(TableSchema schema, SourceCatalog catalog, MigrationSpec spec, String field,
                                   List<SpecException.Problem> problems) {
        TableId table = schema.id();
        if (schema.primaryKey().isEmpty()) {
            problems.add(new SpecException.Problem(field, "table " + table + " has no primary key and no unique"
                    + " index on NOT NULL columns; change events are keyed and ordered by key, so add one: "
                    + primaryKeyFix(table)));
        } else {
            catalog.keyIndexOf(table).ifPresent(index -> LOG.info("table {} has no primary key; its unique index {}"
                    + " on NOT NULL columns {} is used as its key", table, index, schema.primaryKey()));
        }
        String shardKey = spec.shardKeyOf(table);
        if (schema.column(shardKey).isEmpty()) {
            problems.add(new SpecException.Problem(spec.shardKeyFieldOf(table), "table " + table
                    + " has no shard key column '" + shardKey + "' (columns: " + schema.columnNames() + ")"));
        }
        checkKeyTypes(schema, shardKey, field, spec.shardKeyFieldOf(table), problems);
        if (!schema.replicaIdentityFull()) {
            problems.add(new SpecException.Problem(field, "table " + table + " does not have REPLICA IDENTITY FULL,"
                    + " so updates and deletes would not carry the shard key and unchanged TOAST values; run: "
                    + replicaIdentityFix(table)));
        }
    }

    /** Refuses primary key and shard key columns whose type has no reliable canonical key text. */
    private static void checkKeyTypes(TableSchema schema, String shardKey, String field, String shardKeyField,
                                      List<SpecException.Problem> problems) {
        for (String k : schema.primaryKey()) {
            schema.column(k).map(c -> KeyTypes.problem(schema.id().toString(), c, "primary key column"))
                    .ifPresent(problem -> problems.add(new SpecException.Problem(field, problem)));
        }
        schema.column(shardKey).map(c -> KeyTypes.problem(schema.id().toString(), c, "shard key"))
                .ifPresent(problem -> problems.add(new SpecException.Problem(shardKeyField, problem)));
    }

    /** The SQL that gives a table the replica identity the migration needs. */
    public static String replicaIdentityFix(TableId table) {
        return "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL; (for a partitioned table, on each"
                + " partition too)";
    }

    /**
     * The SQL that gives a table without a key one: a primary key on the columns that identify a row or,
     * when none do, a new identity column.
     */
    public static String primaryKeyFix(TableId table) {
        return "ALTER TABLE " + table.quoted() + " ADD PRIMARY KEY (<columns that identify a row>); or, when no"
                + " columns do: ALTER TABLE " + table.quoted() + " ADD COLUMN " + SqlIdentifiers.quote("shardshift_id")
                + " bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;";
    }
}
