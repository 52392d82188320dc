package io.shardshift.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardshift.core.event.TableId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which capture group captures each table: a table, hence each of its keys, is in exactly one group, so the
 * per-key order of the change stream is kept. The split is made once, greedily by the tables' on-disk size
 * (the largest table first, each to the group with the least bytes so far; ties by name and lowest group),
 * recorded by the caller, and then only {@linkplain #extend extended}: a table never moves between groups
 * while the migration runs, because its changes would then be decoded by two slots.
 *
 * <pre>{@code
 * {"groups":2,"tables":{"public.orders":0,"public.items":1,"public.users":1}}
 * }</pre>
 *
 * @param groups  the number of groups
 * @param groupOf each table's group, {@code 0 <= group < groups}
 */
public record CaptureGroupSplit(int groups, Map<TableId, Integer> groupOf) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CaptureGroupSplit {
        if (groups < 1) {
            throw new IllegalArgumentException("capture groups must be at least 1, was " + groups);
        }
        groupOf.forEach((t, g) -> {
            if (g < 0 || g >= groups) {
                throw new IllegalArgumentException("table " + t + " is in capture group " + g + " of " + groups);
            }
        });
        groupOf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groupOf));
    }

    /**
     * Splits the tables over {@code groups} groups by size.
     *
     * @param sizes each table's bytes on disk; a missing size counts as 0
     * @throws IllegalArgumentException when there are more groups than tables
     */
    public static CaptureGroupSplit plan(int groups, List<TableId> tables, Map<TableId, Long> sizes) {
        if (groups > tables.size()) {
            throw new IllegalArgumentException("capture.groups is " + groups + " but there are only " + tables.size()
                    + " table(s) to capture");
        }
        return new CaptureGroupSplit(groups, Map.of()).extend(tables, sizes);
    }

    /**
     * This split for the given tables: the tables it has keep their group, tables it does not have go, largest
     * first, to the group with the least bytes, and tables no longer given are left out. Every group that has
     * none gets a table first, so no group is empty while there are enough tables.
     */
    public CaptureGroupSplit extend(List<TableId> tables, Map<TableId, Long> sizes) {
        Map<TableId, Integer> out = new LinkedHashMap<>();
        long[] bytes = new long[groups];
        int[] count = new int[groups];
        for (TableId t : tables) {
            Integer g = groupOf.get(t);
            if (g != null) {
                out.put(t, g);
                bytes[g] += sizes.getOrDefault(t, 0L);
                count[g]++;
            }
        }
        List<TableId> fresh = new ArrayList<>(tables.stream().filter(t -> !groupOf.containsKey(t)).distinct().toList());
        fresh.sort(Comparator.comparingLong((TableId t) -> sizes.getOrDefault(t, 0L)).reversed()
                .thenComparing(TableId::toString));
        for (TableId t : fresh) {
            int best = 0;
            for (int g = 1; g < groups; g++) {
                boolean emptier = count[g] == 0 && count[best] > 0;
                boolean fuller = count[best] == 0 && count[g] > 0;
                if (emptier || (!fuller && bytes[g] < bytes[best])) {
                    best = g;
                }
            }
            out.put(t, best);
            bytes[best] += sizes.getOrDefault(t, 0L);
            count[best]++;
        }
        return new CaptureGroupSplit(groups, out);
    }

    /** The tables of a group, in the order they were given. */
    public List<TableId> tables(int group) {
        return groupOf.entrySet().stream().filter(e -> e.getValue() == group).map(Map.Entry::getKey).toList();
    }

    /** The group of a table. */
    public int groupOf(TableId table) {
        Integer g = groupOf.get(table);
        if (g == null) {
            throw new IllegalArgumentException("table " + table + " is in no capture group");
        }
        return g;
    }

    /** The split as JSON, for the state topic (see the class comment). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("groups", groups);
        ObjectNode tables = root.putObject("tables");
        new TreeMap<>(toText()).forEach(tables::put);
        return root.toString();
    }

    private Map<String, Integer> toText() {
        Map<String, Integer> text = new LinkedHashMap<>();
        groupOf.forEach((t, g) -> text.put(t.toString(), g));
        return text;
    }

    /**
     * Reads a split written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when the text is not such a split
     */
    public static CaptureGroupSplit fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.path("groups").isInt() || !root.path("tables").isObject()) {
                throw new IllegalArgumentException("not a capture group split: " + json);
            }
            Map<TableId, Integer> groupOf = new LinkedHashMap<>();
            root.get("tables").fields().forEachRemaining(e -> groupOf.put(TableId.parse(e.getKey()), e.getValue().asInt()));
            return new CaptureGroupSplit(root.get("groups").asInt(), groupOf);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a capture group split: " + e.getOriginalMessage(), e);
        }
    }
}
