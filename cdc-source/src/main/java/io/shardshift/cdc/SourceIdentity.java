package io.shardshift.cdc;

import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which PostgreSQL cluster, on which timeline, the source address answers with. A promoted standby keeps its
 * primary's {@code systemIdentifier} (it is a physical copy) and moves to a higher {@code timeline}; a different
 * cluster (a new {@code initdb}, a logical copy) has another system identifier.
 *
 * <pre>{@code systemIdentifier=7312345678901234567;timeline=2;serverVersionNum=150019}</pre>
 *
 * @param systemIdentifier {@code pg_control_system().system_identifier}
 * @param timeline         the timeline of the current WAL file ({@code pg_walfile_name(pg_current_wal_lsn())})
 * @param serverVersionNum {@code server_version_num}, e.g. 150019
 */
public record SourceIdentity(long systemIdentifier, long timeline, int serverVersionNum) {
    /** The first version whose logical slots can be synchronised to standbys ({@code failover = true}). */
    public static final int FAILOVER_SLOTS_VERSION = 170000;
    private static final Pattern ENCODED = Pattern.compile(
            "systemIdentifier=(-?\\d+);timeline=(\\d+);serverVersionNum=(\\d+)");
    private static final String SQL = """
            SELECT pg_is_in_recovery(), (SELECT system_identifier FROM pg_control_system()),
                   current_setting('server_version_num')::int""";
    private static final String TIMELINE_SQL =
            "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint";

    /**
     * Reads the identity of the source the spec names.
     *
     * @throws IllegalStateException when the source is in recovery (a standby answers at the source address)
     */
    public static SourceIdentity read(MigrationSpec spec) throws SQLException {
        try (Connection c = PgConnections.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "shardshift-" + spec.name() + "-identity")) {
            return read(c);
        }
    }

    /** Reads the identity of the server the connection is open to. */
    public static SourceIdentity read(Connection c) throws SQLException {
        long systemId;
        int version;
        try (PreparedStatement ps = c.prepareStatement(SQL); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new IllegalStateException("the source is in recovery (a standby answers at source.jdbcUrl): point"
                        + " the source address at the primary, or promote the standby");
            }
            systemId = rs.getLong(2);
            version = rs.getInt(3);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TIMELINE_SQL)) {
            rs.next();
            return new SourceIdentity(systemId, rs.getLong(1), version);
        }
    }

    /** Whether the server can keep a logical slot across a failover (PostgreSQL 17+). */
    public boolean supportsFailoverSlots() {
        return serverVersionNum >= FAILOVER_SLOTS_VERSION;
    }

    /** The form stored in the migration's state, see the class comment. */
    public String encode() {
        return "systemIdentifier=" + systemIdentifier + ";timeline=" + timeline + ";serverVersionNum=" + serverVersionNum;
    }

    /** Parses {@link #encode()}; empty for anything else. */
    public static Optional<SourceIdentity> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = ENCODED.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SourceIdentity(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    @Override
    public String toString() {
        return "system " + Long.toUnsignedString(systemIdentifier) + " timeline " + timeline;
    }
}
