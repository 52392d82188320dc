package io.shardshift.core.copy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fields of a row in PostgreSQL's {@code COPY ... TO STDOUT} text format: fields separated by tab,
 * the row ended by newline, {@code \N} for NULL, and backslash escapes ({@code \\ \b \f \n \r \t \v},
 * octal {@code \ooo}, hex {@code \xhh}) for special bytes. Text is UTF-8 (the driver's client encoding).
 */
public final class CopyText {
    private static final byte TAB = '\t';
    private static final byte NEWLINE = '\n';
    private static final byte BACKSLASH = '\\';

    private CopyText() {
    }

    /**
     * The unescaped value of field {@code index} (0-based) of a row, {@code null} for {@code \N}.
     *
     * @throws IllegalArgumentException when the row has fewer fields
     */
    public static String field(byte[] line, int index) {
        return field(line, 0, line.length, index);
    }

    /** As {@link #field(byte[], int)}, for the row in {@code line[offset, offset+length)}. */
    public static String field(byte[] line, int offset, int length, int index) {
        int end = contentEnd(line, offset, length);
        int start = offset;
        for (int i = 0; i < index; i++) {
            int tab = indexOf(line, TAB, start, end);
            if (tab < 0) {
                throw new IllegalArgumentException("COPY row has " + (i + 1) + " fields, wanted field " + index);
            }
            start = tab + 1;
        }
        int stop = indexOf(line, TAB, start, end);
        return unescape(line, start, stop < 0 ? end : stop);
    }

    /** All fields of a row, unescaped, {@code null} for {@code \N}. */
    public static List<String> fields(byte[] line) {
        int end = contentEnd(line, 0, line.length);
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int tab = indexOf(line, TAB, start, end);
            out.add(unescape(line, start, tab < 0 ? end : tab));
            if (tab < 0) {
                return out;
            }
            start = tab + 1;
        }
    }

    /** Unescapes one field held in {@code bytes[from, to)}; {@code \N} gives {@code null}. */
    public static String unescape(byte[] bytes, int from, int to) {
        if (to - from == 2 && bytes[from] == BACKSLASH && bytes[from + 1] == 'N') {
            return null;
        }
        if (indexOf(bytes, BACKSLASH, from, to) < 0) {
            return new String(bytes, from, to - from, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            byte b = bytes[i++];
            if (b != BACKSLASH || i >= to) {
                out.write(b);
                continue;
            }
            byte c = bytes[i++];
            switch (c) {
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0B);
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i < to && Character.digit(bytes[i], 16) >= 0) {
                        value = value * 16 + Character.digit(bytes[i++], 16);
                        digits++;
                    }
                    if (digits == 0) {
                        out.write('x');
                    } else {
                        out.write(value);
                    }
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        int digits = 1;
                        while (digits < 3 && i < to && bytes[i] >= '0' && bytes[i] <= '7') {
                            value = value * 8 + (bytes[i++] - '0');
                            digits++;
                        }
                        out.write(value);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int contentEnd(byte[] line, int offset, int length) {
        int end = offset + length;
        if (end > offset && line[end - 1] == NEWLINE) {
            end--;
        }
        return end;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
