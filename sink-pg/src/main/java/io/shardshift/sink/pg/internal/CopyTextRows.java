package io.shardshift.sink.pg.internal;

import io.shardshift.core.copy.CopyText;
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
        return CopyText.unescape(data, start, end);
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
