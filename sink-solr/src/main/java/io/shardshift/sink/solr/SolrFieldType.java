package io.shardshift.sink.solr;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Solr field types a column can be mapped to, by the name they have in the generated schema.
 *
 * <p>Default for a PostgreSQL type ({@link #defaultFor(String)}): {@code smallint}/{@code integer} to
 * {@code pint}, {@code bigint} to {@code plong}, {@code numeric}/{@code real}/{@code double precision} to
 * {@code pdouble}, {@code boolean} to {@code boolean}, {@code date}/{@code timestamp[tz]} to {@code pdate},
 * anything else (text, varchar, uuid, json, arrays...) to {@code string}.
 */
public enum SolrFieldType {
    /** Exact string, one term ({@code solr.StrField}); at most 32766 UTF-8 bytes. */
    STRING("string"),
    /** Tokenized, lower-cased text for full-text search ({@code solr.TextField}). */
    TEXT("text_general"),
    /** 32-bit integer ({@code solr.IntPointField}). */
    INT("pint"),
    /** 64-bit integer ({@code solr.LongPointField}). */
    LONG("plong"),
    /** 32-bit float ({@code solr.FloatPointField}). */
    FLOAT("pfloat"),
    /** 64-bit float ({@code solr.DoublePointField}); PostgreSQL numerics lose precision past 15-17 digits. */
    DOUBLE("pdouble"),
    /** Boolean ({@code solr.BoolField}). */
    BOOLEAN("boolean"),
    /** Instant in UTC with millisecond precision ({@code solr.DatePointField}). */
    DATE("pdate");

    private final String solrName;

    SolrFieldType(String solrName) {
        this.solrName = solrName;
    }

    /** The type's name in the generated schema, e.g. {@code plong}. */
    public String solrName() {
        return solrName;
    }

    /**
     * The type with this schema name (case-insensitive).
     *
     * @throws IllegalArgumentException listing the known names when there is none
     */
    public static SolrFieldType forSolrName(String name) {
        for (SolrFieldType t : values()) {
            if (t.solrName.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown Solr field type '" + name + "' (expected one of "
                + Arrays.stream(values()).map(SolrFieldType::solrName).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * The default Solr type of a PostgreSQL column type as {@code format_type} prints it, e.g.
     * {@code numeric(12,2)} or {@code timestamp with time zone}.
     */
    public static SolrFieldType defaultFor(String postgresType) {
        String t = postgresType == null ? "" : postgresType.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("[]")) {
            return STRING;
        }
        int paren = t.indexOf('(');
        String base = paren < 0 ? t : t.substring(0, paren).trim();
        return switch (base) {
            case "smallint", "integer", "int", "int2", "int4", "smallserial", "serial" -> INT;
            case "bigint", "int8", "bigserial" -> LONG;
            case "numeric", "decimal", "real", "float4", "double precision", "float8" -> DOUBLE;
            case "boolean", "bool" -> BOOLEAN;
            case "date", "timestamptz" -> DATE;
            default -> base.startsWith("timestamp") ? DATE : STRING;
        };
    }
}
