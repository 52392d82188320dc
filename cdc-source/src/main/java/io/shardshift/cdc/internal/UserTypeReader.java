package io.shardshift.cdc.internal;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.UserType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the user-defined types behind column types from the source's catalog ({@code pg_type},
 * {@code pg_enum}, {@code pg_constraint}, {@code pg_attribute}), following arrays to their element type,
 * domains to their base type and composite types to their attributes, and lists them so that each type
 * comes after the types it depends on. Types of {@code pg_catalog} and {@code information_schema} are
 * built in and left out.
 */
public final class UserTypeReader {
    private static final String TYPE = """
            SELECT n.nspname, t.typname, t.typtype, t.typcategory, t.typelem, t.typbasetype,
                   format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typrelid,
                   (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid),
                   (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e' LIMIT 1)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?""";
    private static final String LABELS = "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder";
    private static final String CHECKS = """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = ? AND contype = 'c'
            ORDER BY conname""";
    private static final String ATTRIBUTES = """
            SELECT attname, atttypid, format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum""";

    private final Connection connection;
    private final Map<Long, UserType> ordered = new LinkedHashMap<>();
    private final Set<Long> visiting = new HashSet<>();

    /** A reader over an open connection to the source; the caller owns the connection. */
    public UserTypeReader(Connection connection) {
        this.connection = connection;
    }

    /**
     * Adds the user-defined types behind a type oid (none for a built-in type).
     *
     * @throws IllegalArgumentException naming the type when it is the row type of a table, view or sequence,
     *                                  which cannot be created on a target as a type
     */
    public void add(long typeOid) throws SQLException {
        if (typeOid == 0 || ordered.containsKey(typeOid) || !visiting.add(typeOid)) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(TYPE)) {
            ps.setLong(1, typeOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                String schema = rs.getString(1);
                String name = rs.getString(2);
                String typtype = rs.getString(3);
                long element = rs.getLong(5);
                if ("A".equals(rs.getString(4)) && element != 0) {
                    add(element);
                    return;
                }
                if (schema.equals("pg_catalog") || schema.equals("information_schema")) {
                    return;
                }
                UserType type = switch (typtype) {
                    case "e" -> UserType.enumType(schema, name, list(LABELS, typeOid));
                    case "d" -> domain(schema, name, rs.getLong(6), rs.getString(7), rs.getBoolean(8), typeOid);
                    case "c" -> composite(schema, name, rs.getLong(9), rs.getString(10));
                    default -> UserType.external(schema, name, rs.getString(11));
                };
                ordered.put(typeOid, type);
            }
        } finally {
            visiting.remove(typeOid);
        }
    }

    /** The types added so far, each after the types it depends on. */
    public List<UserType> types() {
        return List.copyOf(ordered.values());
    }

    private UserType domain(String schema, String name, long base, String baseType, boolean notNull, long oid)
            throws SQLException {
        add(base);
        List<String> checks = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(CHECKS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checks.add(rs.getString(1) + "|" + rs.getString(2));
                }
            }
        }
        return UserType.domain(schema, name, baseType, notNull, checks);
    }

    private UserType composite(String schema, String name, long relid, String relkind) throws SQLException {
        if (!"c".equals(relkind)) {
            throw new IllegalArgumentException("type " + schema + "." + name + " is the row type of a table or view;"
                    + " Shardshift creates only enums, domains and composite types (CREATE TYPE ... AS (...)) on the"
                    + " targets");
        }
        List<ColumnDef> attributes = new ArrayList<>();
        List<Long> inner = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(ATTRIBUTES)) {
            ps.setLong(1, relid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    attributes.add(new ColumnDef(rs.getString(1), rs.getString(3), false));
                    inner.add(rs.getLong(2));
                }
            }
        }
        for (long t : inner) {
            add(t);
        }
        return UserType.composite(schema, name, attributes);
    }

    private List<String> list(String sql, long oid) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
