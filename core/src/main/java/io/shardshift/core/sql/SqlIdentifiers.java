package io.shardshift.core.sql;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Validates and quotes SQL identifiers that come from a spec or a catalog. Any name PostgreSQL accepts as a
 * quoted identifier is valid: not empty, no NUL character, at most 63 bytes in UTF-8 (PostgreSQL's
 * {@code NAMEDATALEN - 1}). Spaces, capitals, dots, quotes and any other character are fine, because every
 * identifier is double-quoted (with {@code "} doubled) when put into SQL, so no name can change a
 * statement's shape.
 */
public final class SqlIdentifiers {
    /** The longest identifier PostgreSQL keeps, in bytes. */
    public static final int MAX_BYTES = 63;
    private static final Pattern PLAIN_LOWER = Pattern.compile("[a-z_][a-z0-9_$]*");

    private SqlIdentifiers() {
    }

    /** Whether PostgreSQL accepts the name as a (quoted) identifier. */
    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /**
     * Returns the name when it is valid.
     *
     * @param what what the name is, for the error, e.g. {@code "layout.shardKey"}
     * @throws IllegalArgumentException naming {@code what}, the value and the rule otherwise
     */
    public static String requireValid(String name, String what) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": '" + name + "' is not a valid PostgreSQL identifier: "
                    + problem);
        }
        return name;
    }

    /** Why PostgreSQL would refuse the name, or {@code null} when it accepts it. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.indexOf('\0') >= 0) {
            return "it holds a NUL character";
        }
        int bytes = byteLength(name);
        if (bytes > MAX_BYTES) {
            return "it is " + bytes + " bytes long; PostgreSQL allows at most " + MAX_BYTES;
        }
        return null;
    }

    /**
     * Double-quotes a valid identifier for SQL, doubling any {@code "} inside: {@code tenant_id} becomes
     * {@code "tenant_id"}, {@code Order "A"} becomes {@code "Order ""A"""}.
     */
    public static String quote(String name) {
        return "\"" + requireValid(name, "identifier").replace("\"", "\"\"") + "\"";
    }

    /** The length of a name in bytes (UTF-8), the unit of PostgreSQL's {@value #MAX_BYTES}-byte limit. */
    public static int byteLength(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of a name that fits in {@code maxBytes} bytes, never cutting a character. */
    public static String truncateToBytes(String name, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }

    /**
     * The name for messages and for {@link io.shardshift.core.event.TableId#parse}: bare when it is a
     * lower-case plain identifier (e.g. {@code orders}), double-quoted otherwise (e.g. {@code "Order Items"}).
     * Reading the result with PostgreSQL's rules gives the name back.
     */
    public static String display(String name) {
        return PLAIN_LOWER.matcher(name).matches() ? name : quote(name);
    }
}
