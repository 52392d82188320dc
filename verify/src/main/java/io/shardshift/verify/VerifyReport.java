package io.shardshift.verify;

import io.shardshift.core.verify.CompareReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.core.verify.CompareReport.Mismatch;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a verify: per table, rows compared, chunks, and every mismatch that survived the
 * position-aware re-check, by kind and with its key. Rendered as text ({@link #toText()}) for people and
 * as JSON ({@link #toJson()}) for the dashboard and scripts:
 *
 * <pre>{@code
 * {"migration":"orders_reshard","clean":false,"millis":812,"tables":[{"table":"public.orders",
 *  "rowsCompared":100000,"chunks":10,"chunksDiffering":1,"keysRechecked":1,"repaired":0,
 *  "mismatchCount":1,"mismatchesByKind":{"MISSING_IN_TARGET":1,...},
 *  "mismatches":[{"kind":"MISSING_IN_TARGET","key":"(42)","detail":"expected in pg_a"}],"unsettled":[],
 *  "search":[{"target":"orders_search","collection":"orders_v2","clean":true,...,"mismatches":[]}]}]}
 * }</pre>
 *
 * @param migration the migration's name
 * @param tables    one result per table, in spec order
 * @param millis    how long the verify took
 */
public record VerifyReport(String migration, List<TableResult> tables, long millis) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public VerifyReport {
        tables = List.copyOf(tables);
    }

    /**
     * One table's result.
     *
     * @param table           {@code schema.table}
     * @param rowsCompared    source rows in the compared chunks
     * @param chunks          chunks compared by checksum
     * @param chunksDiffering chunks whose checksums differed (compared row by row)
     * @param keysRechecked   keys re-checked by position after the row-by-row comparison
     * @param mismatches      every mismatch that remains, with its key (after a repair: what the repair left)
     * @param repaired        keys the repair re-backfilled or deleted (0 without repair)
     * @param unsettled       keys that changed on every re-check round, so no verdict was reached
     * @param search          one result per search target of the table
     */
    public record TableResult(String table, long rowsCompared, int chunks, int chunksDiffering, int keysRechecked,
                              List<Mismatch> mismatches, int repaired, List<String> unsettled, List<SearchResult> search) {
        public TableResult {
            mismatches = List.copyOf(mismatches);
            unsettled = List.copyOf(unsettled);
            search = search == null ? List.of() : List.copyOf(search);
        }

        /** A table without search targets. */
        public TableResult(String table, long rowsCompared, int chunks, int chunksDiffering, int keysRechecked,
                           List<Mismatch> mismatches, int repaired, List<String> unsettled) {
            this(table, rowsCompared, chunks, chunksDiffering, keysRechecked, mismatches, repaired, unsettled, List.of());
        }

        /** Mismatches per kind, every kind present (0 when none). */
        public Map<Kind, Long> mismatchesByKind() {
            return byKind(mismatches);
        }

        /** Whether the table matched: no mismatch and no unsettled key, in the targets and search targets. */
        public boolean clean() {
            return mismatches.isEmpty() && unsettled.isEmpty() && search.stream().allMatch(SearchResult::clean);
        }
    }

    /**
     * One search target's result for a table. Mismatch keys are document ids; details name the primary key.
     *
     * @param target        the search target's name
     * @param collection    the collection compared ({@code <collection>_v<version>})
     * @param rowsCompared  source rows compared with their documents
     * @param chunks        chunks compared
     * @param keysRechecked keys re-checked by position
     * @param mismatches    missing, different and extra documents that remain
     * @param repaired      keys repaired (re-published or fenced deletes), 0 without repair
     * @param unsettled     keys whose documents changed on every re-check round
     */
    public record SearchResult(String target, String collection, long rowsCompared, int chunks, int keysRechecked,
                               List<Mismatch> mismatches, int repaired, List<String> unsettled) {
        public SearchResult {
            mismatches = List.copyOf(mismatches);
            unsettled = List.copyOf(unsettled);
        }

        /** Whether the collection matched the source. */
        public boolean clean() {
            return mismatches.isEmpty() && unsettled.isEmpty();
        }

        /** Mismatches per kind, every kind present (0 when none). */
        public Map<Kind, Long> mismatchesByKind() {
            return byKind(mismatches);
        }
    }

    private static Map<Kind, Long> byKind(List<Mismatch> mismatches) {
        Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            byKind.put(k, 0L);
        }
        mismatches.forEach(m -> byKind.merge(m.kind(), 1L, Long::sum));
        return byKind;
    }

    /** Whether every table matched. */
    public boolean clean() {
        return tables.stream().allMatch(TableResult::clean);
    }

    /** The mismatches of every table. */
    public long mismatchCount() {
        return tables.stream().mapToLong(t -> t.mismatches().size()
                + t.search().stream().mapToLong(r -> r.mismatches().size()).sum()).sum();
    }

    /** The report for people. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("verify ").append(migration).append(": ").append(clean() ? "CLEAN" : mismatchCount() + " MISMATCHES")
                .append(" (").append(millis).append(" ms)\n");
        for (TableResult t : tables) {
            out.append(String.format("%s: %d rows compared in %d chunks, %d chunks differed, %d keys re-checked, "
                            + "%d mismatches%s%n", t.table(), t.rowsCompared(), t.chunks(), t.chunksDiffering(),
                    t.keysRechecked(), t.mismatches().size(), t.repaired() > 0 ? ", " + t.repaired() + " keys repaired" : ""));
            if (!t.mismatches().isEmpty()) {
                StringBuilder kinds = new StringBuilder("  ");
                t.mismatchesByKind().forEach((k, n) -> kinds.append(label(k)).append(": ").append(n).append("   "));
                out.append(kinds.toString().stripTrailing()).append('\n');
            }
            for (Mismatch m : t.mismatches()) {
                out.append("  ").append(label(m.kind())).append(" key ").append(m.key()).append(": ").append(m.detail()).append('\n');
            }
            if (!t.unsettled().isEmpty()) {
                out.append("  ").append(t.unsettled().size()).append(" keys changed on every re-check (unsettled): ")
                        .append(String.join(" ", t.unsettled())).append('\n');
            }
            for (SearchResult r : t.search()) {
                out.append(String.format("  search %s (%s): %d rows compared in %d chunks, %d keys re-checked, %d mismatches%s%n",
                        r.target(), r.collection(), r.rowsCompared(), r.chunks(), r.keysRechecked(), r.mismatches().size(),
                        r.repaired() > 0 ? ", " + r.repaired() + " keys repaired" : ""));
                for (Mismatch m : r.mismatches()) {
                    out.append("    ").append(label(m.kind())).append(" document ").append(m.key()).append(": ")
                            .append(m.detail()).append('\n');
                }
                if (!r.unsettled().isEmpty()) {
                    out.append("    ").append(r.unsettled().size()).append(" keys changed on every re-check (unsettled): ")
                            .append(String.join(" ", r.unsettled())).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** The report as JSON. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("migration", migration);
        root.put("clean", clean());
        root.put("millis", millis);
        ArrayNode arr = root.putArray("tables");
        for (TableResult t : tables) {
            ObjectNode n = arr.addObject();
            n.put("table", t.table());
            n.put("clean", t.clean());
            n.put("rowsCompared", t.rowsCompared());
            n.put("chunks", t.chunks());
            n.put("chunksDiffering", t.chunksDiffering());
            n.put("keysRechecked", t.keysRechecked());
            n.put("repaired", t.repaired());
            n.put("mismatchCount", t.mismatches().size());
            ObjectNode byKind = n.putObject("mismatchesByKind");
            t.mismatchesByKind().forEach((k, c) -> byKind.put(k.name(), c));
            ArrayNode ms = n.putArray("mismatches");
            for (Mismatch m : t.mismatches()) {
                ms.addObject().put("kind", m.kind().name()).put("key", m.key()).put("detail", m.detail());
            }
            ArrayNode unsettled = n.putArray("unsettled");
            t.unsettled().forEach(unsettled::add);
            ArrayNode search = n.putArray("search");
            for (SearchResult r : t.search()) {
                ObjectNode sn = search.addObject();
                sn.put("target", r.target());
                sn.put("collection", r.collection());
                sn.put("clean", r.clean());
                sn.put("rowsCompared", r.rowsCompared());
                sn.put("chunks", r.chunks());
                sn.put("keysRechecked", r.keysRechecked());
                sn.put("repaired", r.repaired());
                sn.put("mismatchCount", r.mismatches().size());
                ObjectNode sk = sn.putObject("mismatchesByKind");
                r.mismatchesByKind().forEach((k, c) -> sk.put(k.name(), c));
                ArrayNode sms = sn.putArray("mismatches");
                for (Mismatch m : r.mismatches()) {
                    sms.addObject().put("kind", m.kind().name()).put("key", m.key()).put("detail", m.detail());
                }
                ArrayNode su = sn.putArray("unsettled");
                r.unsettled().forEach(su::add);
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the verify report as JSON", e);
        }
    }

    /** A kind as people read it, e.g. {@code missing in target}. */
    static String label(Kind kind) {
        return kind.name().toLowerCase().replace('_', ' ');
    }
}
