package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a table that exists on a target with the table Shardshift expects there. */
public final class SchemaCheck {
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary
            ORDER BY k.ord""";

    /** A column on the target; {@code expression} is a stored generated column's, null for a plain column. */
    private record Column(String type, boolean notNull, String expression) {
        boolean generated() {
            return expression != null;
        }
    }

    private SchemaCheck() {
    }

    /**
     * Checks that every table is on the session's target as provisioned (see {@link #differences}).
     *
     * @throws SinkException naming the table and the differences, or the failure of the check itself
     */
    public static void requireProvisioned(PgSession session, Collection<TableSchema> tables) {
        String target = Targets.describe(session.target());
        try {
            session.inTransaction(() -> "checking tables on " + target, c -> {
                for (TableSchema t : tables) {
                    List<String> diffs = differences(c, t);
                    if (!diffs.isEmpty()) {
                        throw new SinkException("table " + t.id() + " on " + target + " is not as provisioned: "
                                + String.join("; ", diffs) + " (run the provisioner)");
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new SinkException("checking tables on " + target + " failed: " + session.reason(e), e);
        }
    }

    /** The table's columns on the target in table order, without the fence column; empty when it does not exist. */
    public static List<ColumnDef> columnDefs(Connection c, TableId table) throws SQLException {
        List<ColumnDef> out = new ArrayList<>();
        columns(c, table).forEach((name, col) -> {
            if (!name.equals(Names.FENCE_COLUMN)) {
                out.add(new ColumnDef(name, col.type(), col.notNull(), col.expression()));
            }
        });
        return out;
    }

    /** Whether the table exists on the target. */
    public static boolean exists(Connection c, TableId table) throws SQLException {
        return !columns(c, table).isEmpty();
    }

    /**
     * What differs between the table on the target and the expected one (plus the fence column), each
     * naming the column; empty when they match. A table that does not exist gives one difference.
     */
    public static List<String> differences(Connection c, TableSchema expected) throws SQLException {
        Map<String, Column> actual = columns(c, expected.id());
        List<String> out = new ArrayList<>();
        if (actual.isEmpty()) {
            out.add("table " + expected.id() + " does not exist");
            return out;
        }
        for (ColumnDef want : expected.columns()) {
            Column have = actual.get(want.name());
            if (have == null) {
                out.add("column " + want.name() + " is missing");
            } else if (!TypeNames.sameType(have.type(), want.type())) {
                out.add("column " + want.name() + " is " + have.type() + " there, expected " + want.type());
            } else if (have.notNull() != want.notNull()) {
                out.add("column " + want.name() + " is " + nullability(have.notNull()) + " there, expected "
                        + nullability(want.notNull()));
            } else if (have.generated() != want.isGenerated()) {
                out.add("column " + want.name() + (have.generated() ? " is" : " is not") + " generated there, expected"
                        + (want.isGenerated() ? " GENERATED ALWAYS AS (" + want.generated() + ") STORED" : " a plain column"));
            }
        }
        Column fence = actual.get(Names.FENCE_COLUMN);
        if (fence == null) {
            out.add("fence column " + Names.FENCE_COLUMN + " is missing");
        } else if (!fence.type().equals("bigint") || !fence.notNull()) {
            out.add("fence column " + Names.FENCE_COLUMN + " is " + fence.type() + " " + nullability(fence.notNull())
                    + " there, expected bigint NOT NULL");
        }
        for (String name : actual.keySet()) {
            if (!name.equals(Names.FENCE_COLUMN) && expected.indexOf(name) < 0) {
                out.add("column " + name + " is not in the source table");
            }
        }
        List<String> pk = primaryKey(c, expected.id());
        if (!pk.equals(expected.primaryKey())) {
            out.add("primary key is " + pk + " there, expected " + expected.primaryKey());
        }
        return out;
    }

    private static String nullability(boolean notNull) {
        return notNull ? "NOT NULL" : "nullable";
    }

    private static Map<String, Column> columns(Connection c, TableId table) throws SQLException {
        Map<String, Column> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Column(rs.getString(2), rs.getBoolean(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    private static List<String> primaryKey(Connection c, TableId table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
