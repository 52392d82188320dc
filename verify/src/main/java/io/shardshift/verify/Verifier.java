package io.shardshift.verify;

import io.shardshift.core.spec.Secrets;
import io.shardshift.verify.internal.CanonicalSession;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.cdc.SourceCatalog;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.engine.lag.AppliedWatermark;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport.Mismatch;
import io.shardshift.verify.internal.ChunkScan;
import io.shardshift.verify.internal.KeyCheck;
import io.shardshift.verify.internal.PgSource;
import io.shardshift.verify.internal.PgTargetReader;
import io.shardshift.verify.internal.Recheck;
import io.shardshift.verify.internal.Repair;
import io.shardshift.verify.internal.RowKey;
import io.shardshift.verify.internal.SearchCheck;
import io.shardshift.verify.internal.TargetReader;
import io.shardshift.verify.internal.VerifySql;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Proves, while writes go on, that the targets hold exactly the source's rows, each in the target the
 * layout names. Used by {@code shardshift verify}, the cutover gate and the dashboard.
 *
 * <ol>
 *   <li>Chunks by primary key (keyset on the source); per chunk, one checksum query on the source and on
 *       each target, grouped by shard key value, so a changed, missing, extra or misplaced row all show.</li>
 *   <li>Chunks whose checksums differ are compared row by row; the keys that differ are candidates.</li>
 *   <li>Candidates are re-checked by source position ({@link Recheck}): only a difference that is not
 *       explained by a change the pipeline has yet to apply is reported. The pipeline never stops.</li>
 *   <li>With repair, the keys that differ are re-backfilled through the fenced apply path
 *       ({@link Repair}) and checked again.</li>
 *   <li>Each search target of the table is compared the same way, document by document
 *       ({@link SearchCheck}); missing, stale and extra documents are reported by document id.</li>
 * </ol>
 *
 * <p>For a tenant-scoped migration ({@link MigrationSpec#tenants()}) only the moved tenants' source rows are
 * compared: the targets must hold exactly those, and any other row a target holds is reported as extra.
 *
 * <pre>{@code
 * try (Verifier v = Verifier.standalone(spec)) {
 *     VerifyReport r = v.verify(VerifyOptions.defaults().withTenant("acme"));
 *     System.out.print(r.toText());
 * }
 * }</pre>
 */
public final class Verifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final MigrationSpec spec;
    private final AppliedWatermark watermark;
    private final boolean ownsWatermark;
    private final List<TableSchema> knownTables;

    private Verifier(MigrationSpec spec, AppliedWatermark watermark, boolean ownsWatermark, List<TableSchema> knownTables) {
        this.spec = spec;
        this.watermark = watermark;
        this.ownsWatermark = ownsWatermark;
        this.knownTables = knownTables;
    }

    /** A verifier in any process: table definitions from the source, "applied" judged from the slot. */
    public static Verifier standalone(MigrationSpec spec) {
        return new Verifier(spec, AppliedWatermark.standalone(spec), true, List.of());
    }

    /** A verifier beside a running migration in this process: its tables and capture's own position. */
    public static Verifier inProcess(MigrationRunner runner) {
        return new Verifier(runner.spec(), runner.lag().watermark(), false, runner.tables());
    }

    /**
     * Verifies the tables the options name.
     *
     * @throws IllegalArgumentException naming the table when a table is not in the spec or not on the source
     * @throws VerifyException          naming the database and table when a query fails or the targets do not
     *                                  apply up to a source position within the re-check timeout
     */
    public VerifyReport verify(VerifyOptions opts) throws InterruptedException {
        long start = System.currentTimeMillis();
        List<VerifyReport.TableResult> results = new ArrayList<>();
        for (TableId id : tablesOf(opts)) {
            results.add(verifyTable(schemaOf(id), opts));
        }
        return new VerifyReport(spec.name(), results, System.currentTimeMillis() - start);
    }

    private VerifyReport.TableResult verifyTable(TableSchema table, VerifyOptions opts) throws InterruptedException {
        VerifySql sql = new VerifySql(table, spec.shardKeyOf(table.id()), ShardKeyFilter.of(spec, table.id()).orElse(null));
        List<TargetSpec> targets = postgresTargets();
        // a search-only migration has no PostgreSQL targets (and no layout): only its search targets are compared
        Layout layout = targets.isEmpty() ? null : spec.routing();
        ChunkScan.Result scan = targets.isEmpty() ? new ChunkScan.Result(0, 0, 0, Set.of())
                : new ChunkScan(sql, layout, targets, this::connectSourceUnchecked).run(opts.chunkRows(), opts.tenant(), opts.parallelism());
        Map<RowKey, KeyCheck.Verdict> different = Map.of();
        Set<RowKey> unsettled = Set.of();
        int repaired = 0;
        if (!scan.candidates().isEmpty()) {
            List<TargetReader> readers = new ArrayList<>();
            try (Connection c = connectSource()) {
                targets.forEach(t -> readers.add(PgTargetReader.open(t, sql)));
                PgSource source = new PgSource(c, sql);
                Recheck recheck = new Recheck(source, readers, layout, lsn -> awaitApplied(lsn, opts), opts.maxRounds());
                Recheck.Result result = recheck.run(scan.candidates());
                if (opts.repair() && !result.different().isEmpty()) {
                    Set<RowKey> acted = new Repair(spec, table, source).run(result.different());
                    repaired = acted.size();
                    Recheck.Result after = recheck.run(acted);
                    result = new Recheck.Result(after.different(), union(result.unsettled(), after.unsettled()));
                }
                different = result.different();
                unsettled = result.unsettled();
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new VerifyException("re-check of " + table.id() + " failed: " + e.getMessage(), e);
            } finally {
                readers.forEach(TargetReader::close);
            }
        }
        List<Mismatch> mismatches = new ArrayList<>();
        different.forEach((k, v) -> mismatches.add(new Mismatch(v.kind(), k.text(), v.detail())));
        List<VerifyReport.SearchResult> search = new ArrayList<>();
        for (SolrTargetConfig cfg : searchTargets(table.id())) {
            search.add(new SearchCheck(sql, cfg, this::connectSourceUnchecked, lsn -> awaitApplied(lsn, opts),
                    keys -> republish(table, sql, keys)).run(opts));
        }
        VerifyReport.TableResult r = new VerifyReport.TableResult(table.id().toString(), scan.rowsCompared(), scan.chunks(),
                scan.differing(), scan.candidates().size(), mismatches, repaired, unsettled.stream().map(RowKey::text).toList(),
                search);
        LOG.info("verify {} {}: {} rows in {} chunks, {} differed, {} keys re-checked, {} mismatches, {} unsettled{}",
                spec.name(), table.id(), r.rowsCompared(), r.chunks(), r.chunksDiffering(), r.keysRechecked(),
                mismatches.size(), unsettled.size(), opts.repair() ? ", " + repaired + " repaired" : "");
        return r;
    }

    /** The search targets that index the table, as the runner builds them. */
    private List<SolrTargetConfig> searchTargets(TableId table) {
        List<SolrTargetConfig> out = new ArrayList<>();
        for (SearchTargetSpec s : spec.searchTargets()) {
            if (TableId.parse(s.table()).equals(table)) {
                out.add(SolrTargetConfig.from(s, spec.shardKeyOf(table)));
            }
        }
        return out;
    }

    /** Re-publishes the source rows of these keys through the change topic (every target applies them). */
    private void republish(TableSchema table, VerifySql sql, Set<RowKey> keys) throws InterruptedException {
        Map<RowKey, KeyCheck.Verdict> verdicts = new java.util.LinkedHashMap<>();
        keys.forEach(k -> verdicts.put(k, new KeyCheck.Verdict(KeyCheck.Outcome.DIFFERENT, CompareReport.Kind.DIFFERENT_VALUES,
                "search target", null, List.of())));
        try (Connection c = connectSource()) {
            new Repair(spec, table, new PgSource(c, sql)).run(verdicts);
        } catch (SQLException e) {
            throw new VerifyException("repair of " + table.id() + ": " + e.getMessage(), e);
        }
    }

    private void awaitApplied(long lsn, VerifyOptions opts) throws SQLException, InterruptedException {
        try {
            watermark.awaitApplied(lsn, opts.recheckTimeout());
        } catch (TimeoutException e) {
            throw new VerifyException("the targets have not applied the source up to " + Lsn.format(lsn) + " within "
                    + opts.recheckTimeout() + " (is the migration running?): " + e.getMessage(), e);
        }
    }

    private static Set<RowKey> union(Set<RowKey> a, Set<RowKey> b) {
        Set<RowKey> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private List<TableId> tablesOf(VerifyOptions opts) {
        if (opts.tables().isEmpty()) {
            return spec.tableIds();
        }
        List<TableId> out = new ArrayList<>();
        for (String name : opts.tables()) {
            TableId id = TableId.parse(name);
            if (!spec.tableIds().contains(id)) {
                throw new IllegalArgumentException("table '" + name + "' is not in the spec (tables: " + spec.tableIds() + ")");
            }
            out.add(id);
        }
        return out;
    }

    private TableSchema schemaOf(TableId id) {
        for (TableSchema t : knownTables) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        try (Connection c = connectSource()) {
            return new SourceCatalog(c).find(id).orElseThrow(() ->
                    new IllegalArgumentException("table " + id + " does not exist on the source"));
        } catch (SQLException e) {
            throw new VerifyException("cannot read the definition of " + id + " on the source: " + e.getMessage(), e);
        }
    }

    private List<TargetSpec> postgresTargets() {
        return spec.targets().stream().filter(t -> t.type() == null || TargetSpec.POSTGRES.equals(t.type())).toList();
    }

    private Connection connectSource() throws SQLException {
        return CanonicalSession.of(DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                spec.source().password()));
    }

    private Connection connectSourceUnchecked() {
        try {
            return connectSource();
        } catch (SQLException e) {
            throw new VerifyException(Secrets.maskCredentials("cannot connect to the source (" + spec.source().jdbcUrl() + "): "
                    + e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        if (ownsWatermark) {
            watermark.close();
        }
    }
}
