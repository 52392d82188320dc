package io.shardshift.sink.solr.internal;

import java.util.List;
import java.util.Map;

/**
 * Builds compositeId document ids: {@code <tenant>!<pk>}, or {@code <tenant>/<bits>!<pk>} for a hot tenant.
 * Values are percent-encoded for {@code %}, {@code !}, {@code /} and {@code ,} so no value can add a routing
 * level, change the bits, or make two keys collide; composite keys are joined by {@code ,}.
 */
public final class DocIds {
    private final List<String> idColumns;
    private final String shardKey;
    private final Map<String, Integer> hotTenantBits;

    /**
     * @param primaryKey    the table's primary key columns in key order
     * @param shardKey      the shard key column (the tenant)
     * @param hotTenantBits tenant value to routing bits
     */
    public DocIds(List<String> primaryKey, String shardKey, Map<String, Integer> hotTenantBits) {
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("a table indexed into Solr needs a primary key");
        }
        List<String> rest = primaryKey.stream().filter(c -> !c.equals(shardKey)).toList();
        this.idColumns = rest.isEmpty() ? List.copyOf(primaryKey) : rest;
        this.shardKey = shardKey;
        this.hotTenantBits = Map.copyOf(hotTenantBits);
    }

    /** The shard key column. */
    public String shardKey() {
        return shardKey;
    }

    /**
     * The document id of a row.
     *
     * @param tenant the shard key value; {@code null} (SQL NULL) routes as the empty string
     * @param key    the primary key values by column
     * @throws IllegalArgumentException naming the column when a key value is missing
     */
    public String idOf(String tenant, Map<String, String> key) {
        String t = tenant == null ? "" : tenant;
        StringBuilder id = new StringBuilder(32);
        escapeInto(t, id);
        Integer bits = hotTenantBits.get(t);
        if (bits != null) {
            id.append('/').append(bits.intValue());
        }
        id.append('!');
        for (int i = 0; i < idColumns.size(); i++) {
            String column = idColumns.get(i);
            String value = key.get(column);
            if (value == null) {
                throw new IllegalArgumentException("primary key column " + column + " has no value");
            }
            if (i > 0) {
                id.append(',');
            }
            escapeInto(value, id);
        }
        return id.toString();
    }

    /** Percent-encodes {@code %}, {@code !}, {@code /} and {@code ,}. */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        escapeInto(value, sb);
        return sb.toString();
    }

    private static void escapeInto(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case '!' -> out.append("%21");
                case '/' -> out.append("%2F");
                case ',' -> out.append("%2C");
                default -> out.append(c);
            }
        }
    }
}
