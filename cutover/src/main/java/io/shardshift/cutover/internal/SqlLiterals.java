package io.shardshift.cutover.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * SQL string literals for DDL that cannot take bind parameters (a trigger's arguments): the values are
 * bound, and the server quotes them with {@code quote_literal}, so quotes and backslashes (e.g. a tenant
 * {@code o'hara\}) come out right whatever {@code standard_conforming_strings} is.
 */
final class SqlLiterals {
    private SqlLiterals() {
    }

    /** The values as a comma-separated list of literals, e.g. {@code '3', 'tenant_id', E'o''hara\\'}. */
    static String quoted(Connection c, List<String> values) throws SQLException {
        if (values.isEmpty()) {
            return "";
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT string_agg(quote_literal(v), ', ' ORDER BY n) FROM unnest(?::text[]) WITH ORDINALITY AS a(v, n)")) {
            ps.setArray(1, c.createArrayOf("text", values.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
