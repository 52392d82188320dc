package io.shardshift.sink.pg.internal;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The set-based statements that write one table: every statement takes whole columns as arrays
 * ({@code unnest(?::text[], ..., ?::bigint[])}) so a batch costs one round trip per kind of write.
 *
 * <p>Parameters of {@link #upsert()} and {@link #snapshotInsert()}: one {@code text[]} per column in table
 * order, one {@code bigint[]} of fences, then the tombstone table name. Parameters of {@link #delete()}: one
 * {@code text[]} per primary key column in key order, one {@code bigint[]} of fences, then the tombstone
 * table name. Values are PostgreSQL text forms, cast to the column types inside the statement; tombstone
 * keys are the canonical text of the typed key values (the sink's sessions run with
 * {@code KeyText.SESSION_SETTINGS}). Stored generated columns keep their parameter (so positions stay in table order)
 * but are never written.
 *
 * <p>A truncate leaves the table's <em>truncate fence</em>: a tombstone with the empty key {@code '{}'} and the
 * truncate's LSN. Every write checks it like the tombstone of its own key, so a streamed change older than
 * the truncate (still on its way through another partition) and every snapshot row (fence 0) stay out.
 * Snapshot rows are not needed after a truncate: every row that exists after it was inserted after it, and
 * comes through the change stream.
 *
 * <p>It is over 300 lines on purpose: every statement here applies the same rules (the fence, the tombstone
 * and truncate-fence checks, canonical key text, generated columns left out), and keeping them in one class
 * keeps them from drifting apart.
 */
public final class TableSql {
    private static final String FENCE = SqlIdentifiers.quote(Names.FENCE_COLUMN);
    /** The tombstone key of a table's truncate fence. */
    static final String TRUNCATE_KEY = "'{}'::text[]";

    private final TableSchema table;
    private final List<Integer> keyPositions;
    private final String upsert;
    private final String snapshotInsert;
    private final String delete;
    private final String stageTable;
    private final String stageInsert;
    private final String storedKeys;
    private final String copyIntoTable;
    private final String truncateRows;
    private final String truncateFence;

    /**
     * Builds the statements of a table.
     *
     * @throws IllegalArgumentException naming the table when a column, type or key is not valid
     */
    public TableSql(TableSchema table) {
        this.table = table;
        this.keyPositions = validate(table);
        this.upsert = buildUpsert(true);
        this.snapshotInsert = buildUpsert(false);
        this.delete = buildDelete();
        this.stageTable = buildStageTable();
        this.stageInsert = buildStageInsert();
        this.storedKeys = buildStoredKeys();
        this.copyIntoTable = buildCopyIntoTable();
        this.truncateRows = "DELETE FROM " + table.id().quoted() + " WHERE " + FENCE + " < ?";
        this.truncateFence = "WITH f AS (INSERT INTO " + Names.TOMBSTONES_QUOTED + " AS tb (table_name, key, lsn)"
                + " VALUES (?, " + TRUNCATE_KEY + ", ?)\n ON CONFLICT (table_name, key) DO UPDATE SET lsn ="
                + " GREATEST(tb.lsn, EXCLUDED.lsn))\nDELETE FROM " + Names.TOMBSTONES_QUOTED
                + " WHERE table_name = ? AND key <> " + TRUNCATE_KEY + " AND lsn < ?";
    }

    /**
     * Checks that a table can be written: it has a primary key made of its columns, plain column types and
     * no column named like the fence.
     *
     * @return the positions (in table order) of the primary key columns, in key order
     * @throws IllegalArgumentException naming the table and column otherwise
     */
    public static List<Integer> validate(TableSchema table) {
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + table.id() + " has no primary key");
        }
        List<Integer> positions = new ArrayList<>();
        for (String k : table.primaryKey()) {
            int i = table.indexOf(k);
            if (i < 0) {
                throw new IllegalArgumentException("primary key column " + k + " of table " + table.id()
                        + " is not one of its columns");
            }
            if (table.columns().get(i).isGenerated()) {
                throw new IllegalArgumentException("primary key column " + k + " of table " + table.id()
                        + " is a generated column, whose value logical replication does not send");
            }
            positions.add(i);
        }
        for (ColumnDef c : table.columns()) {
            TypeNames.requireValid(c.type(), table.id().toString(), c.name());
            if (c.name().equals(Names.FENCE_COLUMN)) {
                throw new IllegalArgumentException("table " + table.id() + " has a column named "
                        + Names.FENCE_COLUMN + ", which Shardshift uses for its fence");
            }
        }
        return List.copyOf(positions);
    }

    public TableSchema table() {
        return table;
    }

    /** Positions (in table order) of the primary key columns, in key order. */
    public List<Integer> keyPositions() {
        return keyPositions;
    }

    /**
     * Inserts or updates streamed rows: a row is written only when its stored fence is lower than the
     * event's and no tombstone of the key has a fence at or above it.
     */
    public String upsert() {
        return upsert;
    }

    /** Inserts snapshot rows (fence 0) only where the key holds neither a row nor a tombstone. */
    public String snapshotInsert() {
        return snapshotInsert;
    }

    /**
     * Deletes rows whose stored fence is lower than the event's and upserts the tombstones (keeping the
     * higher fence); returns one row with the number of rows deleted.
     */
    public String delete() {
        return delete;
    }

    /** Deletes the rows older than a truncate; one parameter: the truncate's fence. */
    public String truncateRows() {
        return truncateRows;
    }

    /**
     * Raises the table's truncate fence and drops the key tombstones below it (the fence covers them);
     * parameters: tombstone table name, fence, tombstone table name, fence.
     */
    public String truncateFence() {
        return truncateFence;
    }

    /** Creates the session's staging table of the backfill writer: one text column per table column. */
    public String createStageTable() {
        return stageTable;
    }

    /** The staging table's name ({@code pg_temp}). */
    public static String stageName() {
        return "pg_temp." + SqlIdentifiers.quote("shardshift_stage");
    }

    /** {@code COPY <stage> FROM STDIN}: the text format, columns in table order. */
    public String copyIntoStage() {
        return "COPY " + stageName() + " FROM STDIN";
    }

    /** Moves the staged rows into the table with snapshot semantics; one parameter: the tombstone table name. */
    public String stageInsert() {
        return stageInsert;
    }

    /**
     * Finds which of the given keys hold a row or a tombstone: parameters are one {@code text[]} per key
     * column in key order, then the tombstone table name; returns the 1-based positions of those keys.
     */
    public String storedKeys() {
        return storedKeys;
    }

    /**
     * {@code COPY <table> (<columns>) FROM STDIN}: the text format, columns in table order, fence left at 0.
     * Not usable when the table has generated columns (see {@link #hasGeneratedColumns()}): rows then go
     * through the stage.
     */
    public String copyIntoTable() {
        return copyIntoTable;
    }

    /** Whether the table has stored generated columns, which the target computes and no statement writes. */
    public boolean hasGeneratedColumns() {
        return table.columns().stream().anyMatch(ColumnDef::isGenerated);
    }

    private String buildUpsert(boolean streamed) {
        List<ColumnDef> cols = table.columns();
        StringJoiner targetCols = new StringJoiner(", ");
        StringJoiner casts = new StringJoiner(", ");
        StringJoiner arrays = new StringJoiner(", ");
        StringJoiner aliases = new StringJoiner(", ");
        for (int i = 0; i < cols.size(); i++) {
            ColumnDef c = cols.get(i);
            arrays.add("?::text[]");
            aliases.add("c" + i);
            if (!c.isGenerated()) {
                targetCols.add(SqlIdentifiers.quote(c.name()));
                casts.add(cast("v.c" + i, c));
            }
        }
        StringBuilder sql = new StringBuilder()
                .append("INSERT INTO ").append(table.id().quoted()).append(" AS t (").append(targetCols)
                .append(", ").append(FENCE).append(")\nSELECT ").append(casts).append(", v.f\nFROM unnest(")
                .append(arrays).append(", ?::bigint[]) AS v(").append(aliases).append(", f)\n")
                .append("WHERE NOT EXISTS (SELECT 1 FROM ").append(Names.TOMBSTONES_QUOTED)
                .append(" tb WHERE tb.table_name = ? AND tb.key IN (").append(keyArray("v.c"))
                .append(", ").append(TRUNCATE_KEY).append(") AND tb.lsn >= v.f)\nON CONFLICT (").append(keyColumns()).append(")");
        if (!streamed) {
            return sql.append(" DO NOTHING").toString();
        }
        StringJoiner sets = new StringJoiner(", ");
        for (ColumnDef c : cols) {
            if (!table.primaryKey().contains(c.name()) && !c.isGenerated()) {
                String q = SqlIdentifiers.quote(c.name());
                sets.add(q + " = EXCLUDED." + q);
            }
        }
        sets.add(FENCE + " = EXCLUDED." + FENCE);
        return sql.append(" DO UPDATE SET ").append(sets).append("\nWHERE t.").append(FENCE)
                .append(" < EXCLUDED.").append(FENCE).toString();
    }

    private String buildDelete() {
        KeyParts k = keyParts("v");
        return "WITH v AS (SELECT * FROM unnest(" + k.arrays() + ", ?::bigint[]) AS u(" + k.aliases() + ", f)),\n"
                + "d AS (DELETE FROM " + table.id().quoted() + " AS t USING v WHERE " + k.match()
                + " AND t." + FENCE + " < v.f RETURNING 1),\n"
                + "ts AS (INSERT INTO " + Names.TOMBSTONES_QUOTED + " AS tb (table_name, key, lsn) SELECT ?, "
                + k.array() + ", v.f FROM v\n ON CONFLICT (table_name, key) DO UPDATE SET lsn = GREATEST(tb.lsn, EXCLUDED.lsn))\n"
                + "SELECT count(*) FROM d";
    }

    private String buildStageTable() {
        StringJoiner cols = new StringJoiner(", ");
        for (int i = 0; i < table.columns().size(); i++) {
            cols.add("c" + i + " text");
        }
        return "CREATE TEMP TABLE IF NOT EXISTS " + SqlIdentifiers.quote("shardshift_stage") + " (" + cols
                + ") ON COMMIT DELETE ROWS";
    }

    private String buildStageInsert() {
        StringJoiner targetCols = new StringJoiner(", ");
        StringJoiner casts = new StringJoiner(", ");
        for (int i = 0; i < table.columns().size(); i++) {
            ColumnDef c = table.columns().get(i);
            if (!c.isGenerated()) {
                targetCols.add(SqlIdentifiers.quote(c.name()));
                casts.add(cast("s.c" + i, c));
            }
        }
        return "INSERT INTO " + table.id().quoted() + " (" + targetCols + ", " + FENCE + ")\nSELECT " + casts
                + ", 0\nFROM " + stageName() + " s\nWHERE NOT EXISTS (SELECT 1 FROM " + Names.TOMBSTONES_QUOTED
                + " tb WHERE tb.table_name = ? AND tb.key IN (" + keyArray("s.c") + ", " + TRUNCATE_KEY
                + "))\nON CONFLICT ("
                + keyColumns() + ") DO NOTHING";
    }

    private String buildStoredKeys() {
        KeyParts k = keyParts("u");
        return "SELECT u.i FROM unnest(" + k.arrays() + ") WITH ORDINALITY AS u(" + k.aliases() + ", i)\n"
                + "WHERE EXISTS (SELECT 1 FROM " + table.id().quoted() + " t WHERE " + k.match() + ")\n"
                + "   OR EXISTS (SELECT 1 FROM " + Names.TOMBSTONES_QUOTED + " tb WHERE tb.table_name = ? AND tb.key IN ("
                + k.array() + ", " + TRUNCATE_KEY + "))";
    }

    /**
     * The pieces of a statement that takes the key columns as arrays {@code k0, k1, ...} of the relation
     * {@code alias}: the array parameters, their aliases, the match against table {@code t} and the
     * tombstone key.
     */
    private record KeyParts(String arrays, String aliases, String match, String array) {
    }

    private KeyParts keyParts(String alias) {
        StringJoiner arrays = new StringJoiner(", ");
        StringJoiner aliases = new StringJoiner(", ");
        StringJoiner match = new StringJoiner(" AND ");
        StringJoiner key = new StringJoiner(", ", "ARRAY[", "]");
        for (int k = 0; k < keyPositions.size(); k++) {
            ColumnDef c = table.columns().get(keyPositions.get(k));
            arrays.add("?::text[]");
            aliases.add("k" + k);
            match.add("t." + SqlIdentifiers.quote(c.name()) + " = " + cast(alias + ".k" + k, c));
            key.add(canonical(alias + ".k" + k, c));
        }
        return new KeyParts(arrays.toString(), aliases.toString(), match.toString(), key.toString());
    }

    private String buildCopyIntoTable() {
        StringJoiner cols = new StringJoiner(", ");
        table.columns().forEach(c -> cols.add(SqlIdentifiers.quote(c.name())));
        return "COPY " + table.id().quoted() + " (" + cols + ") FROM STDIN";
    }

    private String keyArray(String prefix) {
        StringJoiner key = new StringJoiner(", ", "ARRAY[", "]");
        for (int p : keyPositions) {
            key.add(canonical(prefix + p, table.columns().get(p)));
        }
        return key.toString();
    }

    /**
     * A key value as the tombstone stores it: the text the column's type prints for the value under the
     * sink's canonical session settings, so a tombstone matches the key however the value was spelled
     * ({@code TRUE} or {@code t}, {@code 1.0E20} or {@code 1e+20}, an upper-case UUID). The empty text
     * stands for a NULL key value, as in {@code ChangeEvent.keyValues()}.
     */
    private static String canonical(String expr, ColumnDef c) {
        String cast = cast("NULLIF(" + expr + ", '')", c);
        return TypeNames.castType(c.type()).equals("text") ? expr : "COALESCE(CAST(" + cast + " AS text), '')";
    }

    private String keyColumns() {
        StringJoiner key = new StringJoiner(", ");
        for (String k : table.primaryKey()) {
            key.add(SqlIdentifiers.quote(k));
        }
        return key.toString();
    }

    private static String cast(String expr, ColumnDef c) {
        String type = TypeNames.castType(c.type());
        return type.equals("text") ? expr : "CAST(" + expr + " AS " + type + ")";
    }
}
