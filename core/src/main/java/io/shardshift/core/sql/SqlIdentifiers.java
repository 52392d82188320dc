package io.shardshift.core.sql;

import java.util.regex.Pattern;

/**
 * Validates and quotes SQL identifiers that come from a spec or a catalog. Only plain identifiers
 * (letters, digits, underscore, dollar; not starting with a digit; at most 63 bytes) are accepted, and
 * every identifier is double-quoted when put into SQL, so no spec value can change a statement's shape.
 */
public final class SqlIdentifiers {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private SqlIdentifiers() {
    }

    /** Whether the name is a plain identifier this tool accepts. */
    public static boolean isValid(String name) {
        return name != null && PLAIN.matcher(name).matches();
    }

    /**
     * Returns the name when it is valid.
     *
     * @param what what the name is, for the error, e.g. {@code "layout.shardKey"}
     * @throws IllegalArgumentException naming {@code what} and the value otherwise
     */
    public static String requireValid(String name, String what) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(what + ": '" + name + "' is not a valid SQL identifier "
                    + "(letters, digits, _ or $, not starting with a digit, at most 63 characters)");
        }
        return name;
    }

    /** Double-quotes a validated identifier, e.g. {@code tenant_id} becomes {@code "tenant_id"}. */
    public static String quote(String name) {
        return "\"" + requireValid(name, "identifier") + "\"";
    }
}
