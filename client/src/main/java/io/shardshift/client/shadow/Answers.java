package io.shardshift.client.shadow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical forms of read answers and their comparison. A row is its columns sorted by lower-cased name, each
 * value as text: numbers without trailing zeros ({@code 10.50} and {@code 10.5} agree, and an {@code int 1} and a
 * {@code long 1}), bytes as hex, arrays element-wise, SQL NULL as JSON null; an unordered answer is the sorted
 * list of its rows' JSON, an ordered one keeps the order. A search answer agrees when numFound and the top-k ids,
 * in order, are equal (k: the shorter of the two lists, so rows=10 against rows=10 compares 10).
 */
public final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The outcome of a comparison.
     *
     * @param agree  whether they agree
     * @param detail the first difference, empty when they agree
     */
    public record Comparison(boolean agree, String detail) {
        static Comparison agreeing() {
            return new Comparison(true, "");
        }
    }

    /**
     * A search answer.
     *
     * @param numFound the total hits
     * @param ids      the returned ids in order (the top k)
     */
    public record SearchAnswer(long numFound, List<String> ids) {
        public SearchAnswer {
            ids = List.copyOf(ids);
        }

        /** Canonical text, e.g. {@code {"numFound":3,"ids":["a","b","c"]}}. */
        public String canonical() {
            return json(Map.of("numFound", numFound, "ids", ids));
        }
    }

    private Answers() {
    }

    /** The canonical rows: one JSON object per row, sorted unless {@code ordered}. */
    public static List<String> canonicalRows(List<Map<String, Object>> rows, boolean ordered) {
        List<String> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> sorted = new TreeMap<>();
            row.forEach((k, v) -> sorted.put(k.toLowerCase(java.util.Locale.ROOT), canonicalValue(v)));
            out.add(json(sorted));
        }
        if (!ordered) {
            out.sort(null);
        }
        return out;
    }

    /** Compares two canonical row lists; the detail names the first differing row and the counts. */
    public static Comparison compareRows(List<String> oldRows, List<String> newRows) {
        if (oldRows.equals(newRows)) {
            return Comparison.agreeing();
        }
        int n = Math.min(oldRows.size(), newRows.size());
        for (int i = 0; i < n; i++) {
            if (!oldRows.get(i).equals(newRows.get(i))) {
                return new Comparison(false, "row " + (i + 1) + " differs: old " + oldRows.get(i) + " new " + newRows.get(i)
                        + " (" + oldRows.size() + " old rows, " + newRows.size() + " new rows)");
            }
        }
        return new Comparison(false, oldRows.size() + " old rows, " + newRows.size() + " new rows; first extra: "
                + (oldRows.size() > n ? "old " + oldRows.get(n) : "new " + newRows.get(n)));
    }

    /** Compares numFound and the top-k ids in order. */
    public static Comparison compareSearch(SearchAnswer oldAnswer, SearchAnswer newAnswer) {
        List<String> problems = new ArrayList<>();
        if (oldAnswer.numFound() != newAnswer.numFound()) {
            problems.add("numFound " + oldAnswer.numFound() + " vs " + newAnswer.numFound());
        }
        int k = Math.min(oldAnswer.ids().size(), newAnswer.ids().size());
        if (oldAnswer.ids().size() != newAnswer.ids().size() && oldAnswer.numFound() == newAnswer.numFound()) {
            problems.add(oldAnswer.ids().size() + " ids returned vs " + newAnswer.ids().size());
        }
        for (int i = 0; i < k; i++) {
            if (!oldAnswer.ids().get(i).equals(newAnswer.ids().get(i))) {
                problems.add("top-" + k + " differs at rank " + (i + 1) + ": " + oldAnswer.ids().get(i) + " vs "
                        + newAnswer.ids().get(i));
                break;
            }
        }
        return problems.isEmpty() ? Comparison.agreeing() : new Comparison(false, String.join("; ", problems));
    }

    /** The canonical text of one value (null stays null). */
    static Object canonicalValue(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Double || v instanceof Float) {
            double x = ((Number) v).doubleValue();
            return Double.isFinite(x) ? canonicalValue(BigDecimal.valueOf(x)) : Double.toString(x);
        }
        if (v instanceof byte[] b) {
            return "\\x" + HexFormat.of().formatHex(b);
        }
        if (v instanceof Array a) {
            try {
                return canonicalValue(a.getArray());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read an SQL array: " + e.getMessage(), e);
            }
        }
        if (v instanceof Object[] arr) {
            return Arrays.stream(arr).map(Answers::canonicalValue).toList();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(Answers::canonicalValue).toList();
        }
        return v.toString();
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a canonical answer: " + e.getMessage(), e);
        }
    }
}
