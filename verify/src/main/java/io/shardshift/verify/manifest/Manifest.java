package io.shardshift.verify.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * An integrity manifest: what the targets held at a cutover's fence, per table, per target, per primary-key
 * range chunk and per tenant (shard key value): a row count and a hash of the rows' canonical text. Written at
 * cutover into the state directory and the audit trail; {@code shardshift verify --manifest F --against URL}
 * re-checks any PostgreSQL copy against it ({@link ManifestCheck}). The format is documented in
 * {@code docs/integrity-manifest.md}; {@link ManifestJson} reads and writes it. Version 1:
 *
 * <pre>{@code
 * {"format":"shardshift-manifest","version":1,"migration":"orders_reshard","cutover":"cutover-1","generation":2,
 *  "fenceLsn":"0/3A2B1C8","takenAt":"2026-12-07T02:10:00Z","hashing":"pg-hashtextextended-row-text-sum/1",
 *  "chunkRows":10000,
 *  "tables":[{"table":"public.orders","shardKey":"tenant_id","columns":["id","tenant_id","amount"],
 *    "key":[{"name":"id","type":"bigint"}],
 *    "targets":[{"target":"pg_a","snapshot":"795:795:","rows":2,
 *      "chunks":[{"after":null,"upTo":null,
 *        "tenants":[{"tenant":"acme","rows":2,"hash":"-3817263545017273615"}]}]}]}]}
 * }</pre>
 *
 * @param format     always {@value #FORMAT}
 * @param version    the format's version, {@value #VERSION}
 * @param migration  the migration's name
 * @param cutover    the id of the cutover that wrote it
 * @param generation the routing generation the cutover made live
 * @param fenceLsn   the fence LSN, as PostgreSQL prints it: the targets held exactly the changes up to it
 * @param takenAt    when the targets' snapshot was taken (ISO-8601), during the write freeze
 * @param hashing    how rows are hashed, {@value #HASHING}
 * @param chunkRows  the most rows of one target a chunk holds
 * @param tables     one entry per table, in spec order
 */
@JsonPropertyOrder({"format", "version", "migration", "cutover", "generation", "fenceLsn", "takenAt", "hashing",
        "chunkRows", "tables"})
public record Manifest(String format, int version, String migration, String cutover, long generation, String fenceLsn,
                       String takenAt, String hashing, int chunkRows, List<TableEntry> tables) {
    /** The value of {@code format}. */
    public static final String FORMAT = "shardshift-manifest";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;
    /**
     * Each row's hash is PostgreSQL's {@code hashtextextended(ROW(c1, c2, ...)::text, 0)} over the manifest's
     * {@code columns} in that order, in the verifier's canonical session (UTC, ISO dates, full float precision,
     * hex bytea: the text equal rows print on any server); a set of rows hashes to the sum of its rows' hashes
     * (a decimal, order-free), the same checksum {@code shardshift verify} compares.
     */
    public static final String HASHING = "pg-hashtextextended-row-text-sum/1";

    public Manifest {
        tables = tables == null ? null : List.copyOf(tables);
    }

    /**
     * One table.
     *
     * @param table    {@code schema.table}
     * @param shardKey the shard key column: rows are grouped by its text value (the tenant)
     * @param columns  the columns hashed, in order (the source's columns; a target's fence column is not one)
     * @param key      the primary key columns in key order, with their types (chunk bounds are cast to them)
     * @param targets  what each target held of the table
     */
    @JsonPropertyOrder({"table", "shardKey", "columns", "key", "targets"})
    public record TableEntry(String table, String shardKey, List<String> columns, List<KeyColumn> key,
                             List<TargetEntry> targets) {
        public TableEntry {
            columns = columns == null ? null : List.copyOf(columns);
            key = key == null ? null : List.copyOf(key);
            targets = targets == null ? null : List.copyOf(targets);
        }
    }

    /**
     * A primary key column.
     *
     * @param name the column
     * @param type its type as {@code format_type} prints it, e.g. {@code bigint}
     */
    public record KeyColumn(String name, String type) {
    }

    /**
     * What one target held of a table.
     *
     * @param target   the target's name in the spec
     * @param snapshot the PostgreSQL snapshot read ({@code pg_current_snapshot()}), for the record
     * @param rows     the rows it held
     * @param chunks   its rows by key range, in key order; together they cover every key
     */
    @JsonPropertyOrder({"target", "snapshot", "rows", "chunks"})
    public record TargetEntry(String target, String snapshot, long rows, List<Chunk> chunks) {
        public TargetEntry {
            chunks = chunks == null ? null : List.copyOf(chunks);
        }
    }

    /**
     * The rows of a key range: keys above {@code after} up to {@code upTo} (inclusive), compared as rows of the
     * key columns in the database's order; a {@code null} bound is open.
     *
     * @param after   the previous chunk's last key (values as text, in key order), or {@code null}
     * @param upTo    this chunk's last key, or {@code null} for the last chunk
     * @param tenants the range's rows per tenant (shard key value), sorted by tenant
     */
    @JsonPropertyOrder({"after", "upTo", "tenants"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Chunk(List<String> after, List<String> upTo, List<TenantSum> tenants) {
        public Chunk {
            after = after == null ? null : List.copyOf(after);
            upTo = upTo == null ? null : List.copyOf(upTo);
            tenants = tenants == null ? null : List.copyOf(tenants);
        }

        /** The range as people read it, e.g. {@code (1000 .. 2000]} or {@code (-inf .. +inf)}. */
        public String range() {
            return "(" + (after == null ? "-inf" : String.join(",", after)) + " .. "
                    + (upTo == null ? "+inf)" : String.join(",", upTo) + "]");
        }
    }

    /**
     * The rows of one tenant in a chunk.
     *
     * @param tenant the shard key value as text, {@code null} for SQL NULL
     * @param rows   how many rows
     * @param hash   the sum of the rows' hashes ({@link #HASHING}), a decimal
     */
    @JsonPropertyOrder({"tenant", "rows", "hash"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TenantSum(@JsonProperty("tenant") String tenant, @JsonProperty("rows") long rows,
                            @JsonProperty("hash") String hash) {
    }
}
