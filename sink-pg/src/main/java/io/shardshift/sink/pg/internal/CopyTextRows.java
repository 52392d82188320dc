package io.shardshift.sink.pg.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Rows in PostgreSQL's COPY text format, split into lines without copying, with the primary key fields of
 * each line decoded. In that format a tab or newline inside a value is written as {@code \t} or
 * {@code \n}, so raw tab and newline bytes always separate fields and rows. A line {@code \.} ends the data.
 */
public final class CopyTextRows {
    private final byte[] data;
    private final int[] starts;
    private final int[] ends;
    private final String[][] keys;

    private CopyTextRows(byte[] data, int[] starts, int[] ends, String[][] keys) {
        this.data = data;
        this.starts = starts;
        this.ends = ends;
        this.keys = keys;
    }

    /**
     * Splits the data into lines and decodes the fields at the key positions ({@code null} for {@code \N}
     * or a missing field).
     */
    public static CopyTextRows parse(byte[] data, List<Integer> keyPositions) {
        int capacity = 1024;
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int[] contentEnds = new int[capacity];
        int n = 0;
        int pos = 0;
        while (pos < data.length) {
            int nl = indexOf(data, (byte) '\n', pos, data.length);
            int next = nl < 0 ? data.length : nl + 1;
            int end = nl < 0 ? data.length : nl;
            int contentEnd = end > pos && data[end - 1] == '\r' ? end - 1 : end;
            if (contentEnd - pos == 2 && data[pos] == '\\' && data[pos + 1] == '.') {
                break;
            }
            if (n == capacity) {
                capacity *= 2;
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
                contentEnds = Arrays.copyOf(contentEnds, capacity);
            }
            starts[n] = pos;
            ends[n] = next;
            contentEnds[n] = contentEnd;
            n++;
            pos = next;
        }
        String[][] keys = new String[keyPositions.size()][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < keyPositions.size(); k++) {
                keys[k][i] = field(data, starts[i], contentEnds[i], keyPositions.get(k));
            }
        }
        return new CopyTextRows(data, Arrays.copyOf(starts, n), Arrays.copyOf(ends, n), keys);
    }

    /** The number of rows. */
    public int size() {
        return starts.length;
    }

    /** The decoded values of the {@code k}-th key column, one per row. */
    public String[] keyColumn(int k) {
        return keys[k];
    }

    /** Appends the bytes of the rows not in {@code skip} (whole lines, as given) to the sink, in runs. */
    public void writeRows(BitSet skip, RangeSink sink) throws SQLException {
        int i = 0;
        while (i < size()) {
            if (skip.get(i)) {
                i++;
                continue;
            }
            int from = i;
            while (i < size() && !skip.get(i)) {
                i++;
            }
            int start = starts[from];
            int end = ends[i - 1];
            if (end > start) {
                sink.write(data, start, end - start);
            }
            if (end > start && data[end - 1] != '\n') {
                sink.write(new byte[] {'\n'}, 0, 1);
            }
        }
    }

    /** Receives byte ranges. */
    @FunctionalInterface
    public interface RangeSink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    private static String field(byte[] data, int from, int to, int index) {
        int start = from;
        for (int f = 0; f < index; f++) {
            int tab = indexOf(data, (byte) '\t', start, to);
            if (tab < 0) {
                return null;
            }
            start = tab + 1;
        }
        int tab = indexOf(data, (byte) '\t', start, to);
        int end = tab < 0 ? to : tab;
        if (end - start == 2 && data[start] == '\\' && data[start + 1] == 'N') {
            return null;
        }
        return unescape(data, start, end);
    }

    /** Decodes COPY text escapes: {@code \b \f \n \r \t \v}, octal {@code \NNN}, hex {@code \xHH}, else the char. */
    static String unescape(byte[] data, int start, int end) {
        if (indexOf(data, (byte) '\\', start, end) < 0) {
            return new String(data, start, end - start, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
        int i = start;
        while (i < end) {
            byte b = data[i++];
            if (b != '\\' || i >= end) {
                out.write(b);
                continue;
            }
            byte c = data[i++];
            switch (c) {
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0B);
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && i < end && Character.digit(data[i], 16) >= 0) {
                        v = v * 16 + Character.digit(data[i++], 16);
                        digits++;
                    }
                    out.write(digits == 0 ? 'x' : v);
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int v = c - '0';
                        for (int digits = 1; digits < 3 && i < end && data[i] >= '0' && data[i] <= '7'; digits++) {
                            v = v * 8 + (data[i++] - '0');
                        }
                        out.write(v & 0xFF);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] data, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
