package io.shardshift.core.event;

/** Converts PostgreSQL log sequence numbers between their 64-bit value and {@code XXX/XXX} text. */
public final class Lsn {
    private Lsn() {
    }

    /** Formats an LSN as PostgreSQL prints it, e.g. {@code 0/16B3748}. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /**
     * Parses PostgreSQL's {@code XXX/XXX} LSN text.
     *
     * @throws IllegalArgumentException naming the text when it is not an LSN
     */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not an LSN: '" + text + "' (expected e.g. 0/16B3748)");
        }
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            return (high << 32) | low;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN: '" + text + "' (expected e.g. 0/16B3748)", e);
        }
    }
}
