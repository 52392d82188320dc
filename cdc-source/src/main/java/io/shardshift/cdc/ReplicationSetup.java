package io.shardshift.cdc;

import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.core.sql.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates, idempotently, the publication and the logical replication slot ({@code pgoutput}) of a
 * migration, in that order: {@code pgoutput} decides what a slot streams with the catalog as it was at
 * each change, so the publication must exist before the slot's consistent point. On PostgreSQL 17+ the slot is
 * created with {@code failover = true}, so a standby with {@code sync_replication_slots = on} keeps it and a
 * promotion needs no re-backfill.
 */
public final class ReplicationSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSetup.class);
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String OBJECT_IN_USE = "55006";

    private ReplicationSetup() {
    }

    /**
     * Makes sure the publication (with every spec table) and the slot exist.
     *
     * @return the slot, whether it is new, and its consistent point
     * @throws IllegalStateException naming the slot when a slot of that name exists but is not a
     *                               {@code pgoutput} logical slot of this database
     */
    public static ReplicationSlot ensure(MigrationSpec spec) throws SQLException {
        return ensure(spec, 0, spec.tableIds());
    }

    /**
     * Makes sure a capture group's publication (with its tables) and slot exist, named by
     * {@link MigrationSpec#publicationName(int)} and {@link MigrationSpec#slotName(int)}.
     */
    public static ReplicationSlot ensure(MigrationSpec spec, int group, List<TableId> tables) throws SQLException {
        try (Connection c = open(spec)) {
            ensurePublication(c, spec.publicationName(group), tables);
            return ensureSlot(c, spec.slotName(group), spec.publicationName(group));
        }
    }

    /**
     * Makes sure every capture group's publication and slot exist, in group order.
     *
     * @return each group's slot, group 0 first
     */
    public static List<ReplicationSlot> ensureAll(MigrationSpec spec, CaptureGroupSplit split) throws SQLException {
        List<ReplicationSlot> slots = new ArrayList<>();
        for (int g = 0; g < split.groups(); g++) {
            slots.add(ensure(spec, g, split.tables(g)));
        }
        return slots;
    }

    /**
     * Drops every capture group's slot (ending a consumer still attached to it) and publication, if they exist:
     * group 0's and every {@code <name>_g<i>}, also of groups a spec with fewer {@code capture.groups} no longer
     * names.
     */
    public static void drop(MigrationSpec spec) throws SQLException {
        try (Connection c = open(spec)) {
            List<String> slots = namesOf(c, "SELECT slot_name FROM pg_replication_slots", spec.slotName());
            List<String> publications = namesOf(c, "SELECT pubname FROM pg_publication", spec.publicationName());
            for (String slot : slots) {
                dropSlot(c, slot);
            }
            try (Statement st = c.createStatement()) {
                for (String publication : publications) {
                    st.execute("DROP PUBLICATION IF EXISTS " + SqlIdentifiers.quote(publication));
                }
            }
            LOG.info("dropped slots {} and publications {}", slots, publications);
        }
    }

    /** Group 0's name and every existing {@code <name>_g<digits>} of the query's single column. */
    private static List<String> namesOf(Connection c, String query, String base) throws SQLException {
        List<String> names = new ArrayList<>();
        names.add(base);
        java.util.regex.Pattern group = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(base + SpecDefaults.CAPTURE_GROUP_SUFFIX) + "[0-9]+");
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                if (group.matcher(rs.getString(1)).matches()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static Connection open(MigrationSpec spec) throws SQLException {
        return PgConnections.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "shardshift-" + spec.name() + "-setup");
    }

    private static void ensurePublication(Connection c, String publication, List<TableId> tables) throws SQLException {
        Set<TableId> present = new HashSet<>();
        boolean exists = false;
        boolean viaRoot = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT pubviaroot FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
                viaRoot = exists && rs.getBoolean(1);
            }
        }
        if (exists && !viaRoot) {
            requireNoPartitionedTable(c, publication, tables);
        }
        if (!exists) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE PUBLICATION " + SqlIdentifiers.quote(publication) + " FOR TABLE " + list(tables)
                        + " WITH (publish_via_partition_root = true)");
                LOG.info("created publication {} for {}", publication, tables);
                return;
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<TableId> missing = new ArrayList<>(tables);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER PUBLICATION " + SqlIdentifiers.quote(publication) + " ADD TABLE " + list(missing));
            }
            LOG.info("added {} to publication {}", missing, publication);
        }
    }

    /**
     * Refuses a publication made without {@code publish_via_partition_root} when a table is partitioned:
     * its changes would be published under the partitions' names, which capture does not follow. Altering it
     * here could lose changes the slot already decoded under those names, so the operator decides.
     */
    private static void requireNoPartitionedTable(Connection c, String publication, List<TableId> tables)
            throws SQLException {
        List<TableId> partitioned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(?)")) {
            for (TableId t : tables) {
                ps.setString(1, t.quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        partitioned.add(t);
                    }
                }
            }
        }
        if (!partitioned.isEmpty()) {
            throw new SQLException("publication " + publication + " exists without publish_via_partition_root, so the"
                    + " changes of the partitioned table(s) " + partitioned + " would arrive under their partitions'"
                    + " names and not be applied; with no slot consuming it yet, run: ALTER PUBLICATION "
                    + SqlIdentifiers.quote(publication) + " SET (publish_via_partition_root = true); (or drop it and"
                    + " let Shardshift create it)", "55000");
        }
    }

    private static ReplicationSlot ensureSlot(Connection c, String slot, String publication) throws SQLException {
        ReplicationSlot existing = readSlot(c, slot, publication, false);
        if (existing != null) {
            LOG.info("using existing {}", existing);
            return existing;
        }
        boolean failoverSlot = SourceIdentity.read(c).supportsFailoverSlots();
        // PostgreSQL 17+: the slot is synchronised to standbys (sync_replication_slots), so it survives a promotion
        String create = failoverSlot
                ? "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput', false, false, true)"
                : "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')";
        try (PreparedStatement ps = c.prepareStatement(create)) {
            ps.setString(1, slot);
            ps.execute();
        } catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
            LOG.info("slot {} was created concurrently", slot);
            return readSlot(c, slot, publication, false);
        }
        ReplicationSlot created = readSlot(c, slot, publication, true);
        LOG.info("created {}{}", created, failoverSlot ? " with failover = true" : "");
        return created;
    }

    private static ReplicationSlot readSlot(Connection c, String slot, String publication, boolean created)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT plugin, slot_type, database = current_database(), confirmed_flush_lsn::text
                FROM pg_replication_slots WHERE slot_name = ?""")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!"logical".equals(rs.getString(2)) || !"pgoutput".equals(rs.getString(1)) || !rs.getBoolean(3)) {
                    throw new IllegalStateException("replication slot " + slot + " exists but is a " + rs.getString(2)
                            + " slot with plugin " + rs.getString(1) + " (or of another database); it must be a"
                            + " pgoutput logical slot of this database: drop it or set source.slotName");
                }
                String lsn = rs.getString(4);
                return new ReplicationSlot(slot, publication, created, lsn == null ? 0L : Lsn.parse(lsn));
            }
        }
    }

    private static void dropSlot(Connection c, String slot) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                    WHERE slot_name = ? AND active_pid IS NOT NULL""")) {
                ps.setString(1, slot);
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                ps.execute();
                return;
            } catch (SQLException e) {
                if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt >= 50) {
                    throw e;
                }
                pause();
            }
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while dropping the replication slot", e);
        }
    }

    private static String list(List<TableId> tables) {
        return tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    }
}
