package io.shardshift.sink.pg.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates column types (as PostgreSQL's {@code format_type} prints them) before they go into SQL, and
 * derives the type a text value is cast to.
 */
public final class TypeNames {
    private static final String WORD = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"[A-Za-z_][A-Za-z0-9_$]*\")";
    private static final Pattern TYPE = Pattern.compile(
            "(?:" + WORD + "\\.)?" + WORD + "(?: [A-Za-z]+)*"
                    + "(?:\\(\\d+(?:,\\s?\\d+)?\\))?(?: [A-Za-z]+)*(?:\\[\\d*\\])*");
    private static final Pattern TYPMOD = Pattern.compile("\\(\\d+(?:,\\s?\\d+)?\\)");

    private TypeNames() {
    }

    /**
     * Returns the type when it looks like a {@code format_type} result, e.g. {@code integer},
     * {@code numeric(12,2)}, {@code timestamp(3) with time zone}, {@code public.mood}, {@code text[]}.
     *
     * @throws IllegalArgumentException naming the table and column otherwise
     */
    public static String requireValid(String type, String table, String column) {
        if (type == null || !TYPE.matcher(type.trim()).matches()) {
            throw new IllegalArgumentException("column " + column + " of table " + table + " has type '" + type
                    + "', which is not a plain type name (e.g. integer, numeric(12,2), text[])");
        }
        return type.trim();
    }

    /**
     * The type a text value is cast to before it is assigned to a column of {@code type}: the type without
     * its length or precision, so the assignment to the column checks the length (an explicit cast to
     * {@code varchar(10)} would cut a longer value silently). {@code character} becomes {@code bpchar} and
     * {@code bit} becomes {@code bit varying}, whose bare forms mean length 1.
     */
    public static String castType(String type) {
        String base = TYPMOD.matcher(type.trim()).replaceAll("");
        String suffix = "";
        int bracket = base.indexOf('[');
        if (bracket >= 0) {
            suffix = base.substring(bracket);
            base = base.substring(0, bracket);
        }
        String lower = base.toLowerCase(Locale.ROOT).trim();
        if (lower.equals("character") || lower.equals("char")) {
            base = "bpchar";
        } else if (lower.equals("bit")) {
            base = "bit varying";
        }
        return base.trim() + suffix;
    }

    /** Whether two {@code format_type} results name the same type (ignoring case and a {@code public.} prefix). */
    public static boolean sameType(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    private static String normalize(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT).replace(", ", ",");
        return t.startsWith("public.") ? t.substring("public.".length()) : t;
    }
}
