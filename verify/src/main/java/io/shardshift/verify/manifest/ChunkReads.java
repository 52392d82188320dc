package io.shardshift.verify.manifest;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.verify.internal.KeyRange;
import io.shardshift.verify.internal.VerifySql;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads a manifest is made of, on one PostgreSQL database in the canonical session: a table's key-range
 * chunks, and a range's row count and hash per tenant. The statements are the verifier's ({@link VerifySql}),
 * so a manifest hashes rows exactly as {@code shardshift verify} does.
 */
final class ChunkReads {
    private final VerifySql sql;
    private final String table;

    private ChunkReads(VerifySql sql) {
        this.sql = sql;
        this.table = sql.table().id().toString();
    }

    /** The reads of a table as the cutover sees it. */
    static ChunkReads of(TableSchema schema, String shardKey) {
        return new ChunkReads(new VerifySql(schema, shardKey));
    }

    /**
     * The reads of a manifest's table: its columns by name (only key types matter to the statements), so a copy
     * is hashed over exactly the manifest's columns whatever else it has.
     */
    static ChunkReads of(Manifest.TableEntry entry) {
        Map<String, String> keyTypes = new LinkedHashMap<>();
        entry.key().forEach(k -> keyTypes.put(k.name(), k.type()));
        List<ColumnDef> columns = entry.columns().stream()
                .map(c -> new ColumnDef(c, keyTypes.getOrDefault(c, "text"), keyTypes.containsKey(c))).toList();
        TableSchema schema = new TableSchema(TableId.parse(entry.table()), columns, List.copyOf(keyTypes.keySet()),
                List.of(), false);
        return new ChunkReads(new VerifySql(schema, entry.shardKey()));
    }

    /** The table's chunks on {@code c}, each up to {@code chunkRows} rows, in key order, covering every key. */
    List<KeyRange> chunks(Connection c, int chunkRows) throws SQLException {
        List<KeyRange> out = new ArrayList<>();
        List<String> after = null;
        while (true) {
            List<String> upTo = boundary(c, after, chunkRows);
            out.add(new KeyRange(after, upTo));
            if (upTo == null) {
                return out;
            }
            after = upTo;
        }
    }

    /** The rows of a range per tenant, sorted by tenant ({@code null}, SQL NULL, first). */
    List<Manifest.TenantSum> sums(Connection c, KeyRange range) throws SQLException {
        List<Manifest.TenantSum> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.chunkSums(range, false, true))) {
            bindRange(ps, 1, range);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Manifest.TenantSum(rs.getString(1), rs.getLong(2), new BigInteger(rs.getString(3)).toString()));
                }
            }
        }
        out.sort(Comparator.comparing(Manifest.TenantSum::tenant, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /** {@code schema.table}. */
    String table() {
        return table;
    }

    private List<String> boundary(Connection c, List<String> after, int chunkRows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.boundary(after != null, false))) {
            int i = bindRange(ps, 1, new KeyRange(after, null));
            ps.setLong(i, chunkRows - 1L);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int k = 1; k <= sql.keySize(); k++) {
                    key.add(rs.getString(k));
                }
                return key;
            }
        }
    }

    private static int bindRange(PreparedStatement ps, int i, KeyRange range) throws SQLException {
        if (range.after() != null) {
            for (String v : range.after()) {
                ps.setString(i++, v);
            }
        }
        if (range.upTo() != null) {
            for (String v : range.upTo()) {
                ps.setString(i++, v);
            }
        }
        return i;
    }
}
