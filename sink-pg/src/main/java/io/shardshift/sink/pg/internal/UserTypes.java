package io.shardshift.sink.pg.internal;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.schema.UserType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the source's user-defined types on a target, idempotently: a type that does not exist is created;
 * one that exists must have the same definition (labels, base type, NOT NULL and checks, attributes), else
 * the difference is reported. {@link UserType.Kind#EXTERNAL} types are never created, only required.
 */
public final class UserTypes {
    private static final String TYPE = """
            SELECT t.oid, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typrelid
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typname = ?""";
    private static final String LABELS = "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder";
    private static final String CHECKS = """
            SELECT conname || '|' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = ? AND contype = 'c'
            ORDER BY conname""";
    private static final String ATTRIBUTES = """
            SELECT attname || '|' || format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum""";

    private UserTypes() {
    }

    /** The user-defined types of the tables, each once, each after the types it depends on. */
    public static List<UserType> of(List<TableSchema> tables) {
        Map<String, UserType> out = new LinkedHashMap<>();
        for (TableSchema t : tables) {
            t.userTypes().forEach(u -> out.putIfAbsent(u.schema() + "\u0000" + u.name(), u));
        }
        return List.copyOf(out.values());
    }

    /**
     * Why a type cannot be used on this target as it stands, or empty when it exists as defined (or does
     * not exist and will be created).
     */
    public static Optional<String> problem(Connection c, UserType type) throws SQLException {
        Optional<String> existing = definitionOnTarget(c, type);
        if (existing.isEmpty()) {
            return type.kind() == UserType.Kind.EXTERNAL
                    ? Optional.of("type " + type + " does not exist"
                            + (type.extension() == null ? "" : " (install extension " + type.extension() + ")"))
                    : Optional.empty();
        }
        String want = signature(type);
        if (type.kind() == UserType.Kind.EXTERNAL || existing.get().equals(want)) {
            return Optional.empty();
        }
        return Optional.of("type " + type + " already exists with a different definition: " + existing.get()
                + ", expected " + want);
    }

    /** Whether the type exists on the target. */
    public static boolean exists(Connection c, UserType type) throws SQLException {
        return definitionOnTarget(c, type).isPresent();
    }

    /** Creates the type (see {@code DdlBuilder#createType}) with a statement of its own. */
    public static void create(Connection c, UserType type) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(DdlBuilder.createType(type));
        }
    }

    /** The definition of a type as compared: kind and parts, in the same words for the source's and the target's. */
    static String signature(UserType type) {
        return switch (type.kind()) {
            case ENUM -> "enum " + type.labels();
            case DOMAIN -> "domain over " + TypeNames.castType(type.baseType()) + "/" + type.baseType()
                    + (type.notNull() ? " NOT NULL" : "") + " checks " + type.checks();
            case COMPOSITE -> "composite " + type.attributes().stream().map(a -> a.name() + "|" + a.type()).toList();
            case EXTERNAL -> "external";
        };
    }

    private static Optional<String> definitionOnTarget(Connection c, UserType type) throws SQLException {
        long oid;
        String typtype;
        String base;
        boolean notNull;
        long relid;
        try (PreparedStatement ps = c.prepareStatement(TYPE)) {
            ps.setString(1, type.schema());
            ps.setString(2, type.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                typtype = rs.getString(2);
                base = rs.getString(3);
                notNull = rs.getBoolean(4);
                relid = rs.getLong(5);
            }
        }
        UserType actual = switch (typtype) {
            case "e" -> UserType.enumType(type.schema(), type.name(), list(c, LABELS, oid));
            case "d" -> UserType.domain(type.schema(), type.name(), base, notNull, list(c, CHECKS, oid));
            case "c" -> UserType.composite(type.schema(), type.name(), list(c, ATTRIBUTES, relid).stream()
                    .map(a -> new ColumnDef(a.substring(0, a.indexOf('|')), a.substring(a.indexOf('|') + 1), false))
                    .toList());
            default -> UserType.external(type.schema(), type.name(), null);
        };
        return Optional.of(signature(actual));
    }

    private static List<String> list(Connection c, String sql, long oid) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
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
