package io.shardshift.core.event;

import io.shardshift.core.sql.SqlIdentifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A source table, schema-qualified, with each part exactly as PostgreSQL stores it (case-sensitive). Any
 * name PostgreSQL accepts is valid: see {@link SqlIdentifiers}.
 *
 * <p>In text (a spec's {@code tables[].name}, a change event) a table is written with PostgreSQL's rules,
 * see {@link #parse}: {@code orders}, {@code public.orders}, {@code public."Order Items"},
 * {@code "Sales"."OrderItems"}.
 *
 * @param schema the schema, e.g. {@code public}
 * @param table  the table name, e.g. {@code orders} or {@code Order Items}
 */
public record TableId(String schema, String table) {
    private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z_\\u0080-\\uFFFF][A-Za-z0-9_$\\u0080-\\uFFFF]*");

    public TableId {
        SqlIdentifiers.requireValid(schema, "schema");
        SqlIdentifiers.requireValid(table, "table");
    }

    /**
     * Parses {@code schema.table}, or {@code table} meaning {@code public.table}, with PostgreSQL's rules:
     * an unquoted part is folded to lower case ({@code Orders} is {@code orders}); a double-quoted part is
     * taken as written, with {@code ""} standing for one {@code "} ({@code "Order Items"}). In YAML, put the
     * whole name in single quotes: {@code name: 'public."Order Items"'}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong when it is not a valid table name
     */
    public static TableId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("table name is empty");
        }
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i = quotedPart(text, i + 1, part);
                parts.add(part.toString());
            } else {
                int end = text.indexOf('.', i);
                String raw = end < 0 ? text.substring(i) : text.substring(i, end);
                if (!UNQUOTED.matcher(raw).matches()) {
                    throw new IllegalArgumentException("table name '" + text + "': '" + raw + "' is not a plain"
                            + " identifier; double-quote a name with spaces, dots or other characters, e.g. "
                            + "public.\"" + raw.replace("\"", "\"\"") + "\" (in YAML: name: 'public.\"...\"')");
                }
                parts.add(foldAscii(raw));
                i = end < 0 ? text.length() : end;
            }
            if (i == text.length()) {
                break;
            }
            if (text.charAt(i) != '.') {
                throw new IllegalArgumentException("table name '" + text + "': expected '.' after a quoted name at"
                        + " position " + i);
            }
            i++;
        }
        if (parts.size() > 2) {
            throw new IllegalArgumentException("table name '" + text + "' has more than two parts; write"
                    + " schema.table and double-quote a name that holds a '.'");
        }
        return parts.size() == 1 ? new TableId("public", parts.get(0)) : new TableId(parts.get(0), parts.get(1));
    }

    /** PostgreSQL folds only ASCII letters of an unquoted name in a multi-byte encoding. */
    private static String foldAscii(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        raw.chars().forEach(c -> out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : (char) c));
        return out.toString();
    }

    private static int quotedPart(String text, int from, StringBuilder part) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    part.append('"');
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            part.append(c);
            i++;
        }
        throw new IllegalArgumentException("table name '" + text + "' has an unterminated '\"'");
    }

    /** The name quoted for SQL, e.g. {@code "public"."orders"} or {@code "public"."Order Items"}. */
    public String quoted() {
        return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
    }

    /**
     * The name as {@link #parse} reads it back: {@code public.orders}, {@code public."Order Items"}.
     */
    @Override
    public String toString() {
        return SqlIdentifiers.display(schema) + "." + SqlIdentifiers.display(table);
    }
}
