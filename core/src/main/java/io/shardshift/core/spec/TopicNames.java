package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kafka topic names for tables whose names Kafka does not allow. Kafka topic names allow only
 * {@code [a-zA-Z0-9._-]} and at most {@value #MAX_LENGTH} characters, PostgreSQL names allow almost anything,
 * so each part of a table name is escaped:
 *
 * <ul>
 *   <li>{@code A-Z a-z 0-9 _} stay as they are, so {@code public.orders} is {@code public.orders};</li>
 *   <li>every other UTF-8 byte, the escape character {@code -} and {@code .} included, becomes {@code -XX}
 *       (two upper-case hex digits): {@code Order Items} is {@code Order-20Items}, {@code a.b} is
 *       {@code a-2Eb}, {@code a-b} is {@code a-2Db}, {@code prices$} is {@code prices-24}.</li>
 * </ul>
 *
 * <p>The escaping is reversible and no escaped part holds a {@code .}, so {@code schema.table} joined by a dot
 * is distinct for distinct tables. When the whole topic name would be longer than {@value #MAX_LENGTH}, the
 * escaped name is cut (never inside an escape) and {@code --} plus 32 hex digits of the SHA-256 of the
 * table's name are appended; {@code --} never occurs in an uncut name, so a cut name never equals an uncut
 * one. {@link SpecValidator} still checks that the topics of a spec are distinct, also under Kafka's rule
 * that {@code .} and {@code _} collide in metric names.
 */
public final class TopicNames {
    /** Kafka's limit on the length of a topic name. */
    public static final int MAX_LENGTH = 249;
    private static final int HASH_HEX = 32;

    private TopicNames() {
    }

    /** The escaped form of one name part, e.g. {@code Order-20Items}. */
    public static String escape(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                out.append(c);
            } else {
                out.append('-').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    /**
     * The topic of a table under a prefix, e.g. {@code shardshift.demo.changes.public.Order-20Items}.
     *
     * @param prefix the topic prefix and kind, e.g. {@code shardshift.demo.changes}
     * @throws IllegalArgumentException when the prefix leaves no room for the table's name
     */
    public static String tableTopic(String prefix, TableId table) {
        String full = prefix + "." + escape(table.schema()) + "." + escape(table.table());
        if (full.length() <= MAX_LENGTH) {
            return full;
        }
        String suffix = "--" + hash(table);
        int room = MAX_LENGTH - suffix.length();
        if (room <= prefix.length() + 1) {
            throw new IllegalArgumentException("the topic prefix '" + prefix + "' is too long to name the topic of "
                    + table + " within Kafka's " + MAX_LENGTH + " characters; choose a shorter kafka.topicPrefix");
        }
        int cut = escapeBoundary(full, room);
        return full.substring(0, cut) + suffix;
    }

    /** The largest index at most {@code max} that does not cut a {@code -XX} escape. */
    private static int escapeBoundary(String s, int max) {
        if (max >= 1 && s.charAt(max - 1) == '-') {
            return max - 1;
        }
        if (max >= 2 && s.charAt(max - 2) == '-') {
            return max - 2;
        }
        return max;
    }

    private static String hash(TableId table) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((table.schema() + "\0" + table.table()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
