package io.shardshift.verify.manifest;

import io.shardshift.verify.internal.CanonicalSession;
import io.shardshift.verify.internal.KeyRange;
import io.shardshift.verify.internal.ShardValues;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Re-checks a PostgreSQL copy against a {@link Manifest}, with the manifest's own chunks and the same canonical
 * hashing: per table, target, key range and tenant, the copy's row count and hash must equal the manifest's.
 *
 * <p>Two kinds of copy:
 * <ul>
 *   <li>one target's copy (a restored backup of {@code pg_b}, its DR replica): {@code target} names it, and every
 *       row of the copy must be one the manifest lists for that target;</li>
 *   <li>the whole data set in one database (the old layout kept as an archive): {@code target} is {@code null},
 *       and each target's part is checked in that target's chunks, a tenant belonging to the target the manifest
 *       lists it under; rows of a tenant the manifest does not list at all count once, as extra.</li>
 * </ul>
 * The copy is read in one repeatable-read transaction, so concurrent writes to it cannot make it look torn.
 */
public final class ManifestCheck {
    private ManifestCheck() {
    }

    /**
     * One difference.
     *
     * @param table        {@code schema.table}
     * @param target       the manifest's target whose chunk differs
     * @param range        the key range, e.g. {@code (1000 .. 2000]}
     * @param tenant       the shard key value ({@code null} for SQL NULL)
     * @param expectedRows rows the manifest lists
     * @param expectedHash their hash in the manifest, or {@code null} when it lists none
     * @param actualRows   rows the copy holds
     * @param actualHash   their hash in the copy, or {@code null} when it holds none
     */
    public record Mismatch(String table, String target, String range, String tenant, long expectedRows,
                           String expectedHash, long actualRows, String actualHash) {

        /** One line for people. */
        public String describe() {
            return table + " target " + target + " keys " + range + " tenant " + (tenant == null ? "NULL" : "'" + tenant + "'")
                    + ": manifest " + expectedRows + " rows hash " + (expectedHash == null ? "-" : expectedHash)
                    + ", copy " + actualRows + " rows hash " + (actualHash == null ? "-" : actualHash);
        }
    }

    /**
     * What a check found.
     *
     * @param tables     tables checked
     * @param chunks     chunks checked
     * @param rows       rows of the copy read in them
     * @param mismatches every difference
     */
    public record Report(int tables, int chunks, long rows, List<Mismatch> mismatches) {
        public Report {
            mismatches = List.copyOf(mismatches);
        }

        /** Whether the copy matches the manifest. */
        public boolean clean() {
            return mismatches.isEmpty();
        }
    }

    /**
     * Checks a copy.
     *
     * @param copy   a connection to the copy (its session settings are made canonical; its transaction is used and
     *               rolled back)
     * @param target the target the copy is of, or {@code null} for a copy of the whole data set
     * @throws IllegalArgumentException when {@code target} is not in the manifest (naming the ones it has)
     * @throws SQLException             naming the table when the copy cannot be read (a missing table or column)
     */
    public static Report check(Manifest manifest, Connection copy, String target) throws SQLException {
        Set<String> targets = new HashSet<>();
        manifest.tables().forEach(t -> t.targets().forEach(s -> targets.add(s.target())));
        if (target != null && !targets.contains(target)) {
            throw new IllegalArgumentException("target '" + target + "' is not in the manifest; it has " + targets);
        }
        CanonicalSession.of(copy);
        boolean autoCommit = copy.getAutoCommit();
        copy.setAutoCommit(false);
        copy.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return run(manifest, copy, target, tenantTargets(manifest));
        } finally {
            copy.rollback();
            copy.setAutoCommit(autoCommit);
        }
    }

    private static Report run(Manifest manifest, Connection copy, String only, Map<String, Set<String>> owners)
            throws SQLException {
        List<Mismatch> mismatches = new ArrayList<>();
        int chunks = 0;
        long rows = 0;
        for (Manifest.TableEntry table : manifest.tables()) {
            ChunkReads reads = ChunkReads.of(table);
            boolean first = true;
            for (Manifest.TargetEntry section : table.targets()) {
                if (only != null && !only.equals(section.target())) {
                    continue;
                }
                boolean takesUnknown = first;
                first = false;
                for (Manifest.Chunk chunk : section.chunks()) {
                    chunks++;
                    List<Manifest.TenantSum> held;
                    try {
                        held = reads.sums(copy, new KeyRange(chunk.after(), chunk.upTo()));
                    } catch (SQLException e) {
                        throw new SQLException("cannot read table " + table.table() + " of the copy: " + e.getMessage(),
                                e.getSQLState(), e);
                    }
                    Map<String, Manifest.TenantSum> actual = ours(held, owners, only != null, section.target(), takesUnknown);
                    rows += actual.values().stream().mapToLong(Manifest.TenantSum::rows).sum();
                    mismatches.addAll(compare(table.table(), section.target(), chunk, actual));
                }
            }
        }
        return new Report(manifest.tables().size(), chunks, rows, mismatches);
    }

    /**
     * The copy's rows of a chunk that belong to the target section being checked: all of them for a copy of one
     * target; else those of tenants the manifest lists under this target, and (in the table's first section only)
     * those of tenants it lists nowhere.
     */
    static Map<String, Manifest.TenantSum> ours(List<Manifest.TenantSum> held, Map<String, Set<String>> owners,
                                                 boolean oneTarget, String target, boolean takesUnknown) {
        Map<String, Manifest.TenantSum> out = new LinkedHashMap<>();
        for (Manifest.TenantSum s : held) {
            Set<String> owner = owners.get(key(s.tenant()));
            if (oneTarget || (owner == null ? takesUnknown : owner.contains(target))) {
                out.put(key(s.tenant()), s);
            }
        }
        return out;
    }

    /** The differences between a chunk of the manifest and the copy's rows of it, by tenant (in tenant order). */
    static List<Mismatch> compare(String table, String target, Manifest.Chunk chunk, Map<String, Manifest.TenantSum> actual) {
        List<Mismatch> out = new ArrayList<>();
        Map<String, Manifest.TenantSum> expected = new LinkedHashMap<>();
        chunk.tenants().forEach(s -> expected.put(key(s.tenant()), s));
        Set<String> all = new java.util.TreeSet<>(expected.keySet());
        all.addAll(actual.keySet());
        for (String k : all) {
            Manifest.TenantSum want = expected.get(k);
            Manifest.TenantSum have = actual.get(k);
            if (want != null && have != null && want.rows() == have.rows() && Objects.equals(want.hash(), have.hash())) {
                continue;
            }
            out.add(new Mismatch(table, target, chunk.range(), value(k), want == null ? 0 : want.rows(),
                    want == null ? null : want.hash(), have == null ? 0 : have.rows(), have == null ? null : have.hash()));
        }
        return out;
    }

    /** Every tenant of the manifest and the targets it is listed under. */
    static Map<String, Set<String>> tenantTargets(Manifest manifest) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Manifest.TableEntry t : manifest.tables()) {
            for (Manifest.TargetEntry s : t.targets()) {
                for (Manifest.Chunk c : s.chunks()) {
                    c.tenants().forEach(sum -> out.computeIfAbsent(key(sum.tenant()), k -> new HashSet<>()).add(s.target()));
                }
            }
        }
        return out;
    }

    private static String key(String tenant) {
        return ShardValues.key(tenant);
    }

    private static String value(String key) {
        return ShardValues.value(key);
    }
}
