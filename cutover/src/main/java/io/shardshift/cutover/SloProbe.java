package io.shardshift.cutover;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.SearchTargets;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The SLO probe of a cutover: reads {@code samples} random existing rows by primary key on each new
 * PostgreSQL target (and fetches {@code samples} documents by id from each new search collection), times
 * each read, and reports the p95 latency and error rate of the worst target, so {@link Gates#slo} can hold
 * the cutover back while the new layout is slow or failing. A read that throws counts as an error.
 */
public final class SloProbe implements Supplier<Gates.SloSample> {
    private static final Logger LOG = LoggerFactory.getLogger(SloProbe.class);

    private final List<TargetSpec> targets;
    private final List<TableSchema> tables;
    private final Map<String, SolrTargetConfig> search;
    private final int samples;

    /** One target's figures. */
    public record TargetReading(String target, int reads, int errors, double p95Millis) {
        public double errorRate() {
            return reads == 0 ? 0 : (double) errors / reads;
        }
    }

    public SloProbe(List<TargetSpec> targets, List<TableSchema> tables, Map<String, SolrTargetConfig> search, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("cutover.slo.samples must be at least 1, was " + samples);
        }
        this.targets = List.copyOf(targets);
        this.tables = List.copyOf(tables);
        this.search = Map.copyOf(search);
        this.samples = samples;
    }

    /** A probe of a running migration's PostgreSQL targets and search collections. */
    public static SloProbe forRunner(MigrationRunner runner, int samples) {
        MigrationSpec spec = runner.spec();
        SearchTargets s = runner.search();
        return new SloProbe(spec.targets(), runner.tables(), s == null ? Map.of() : s.all(), samples);
    }

    /** The gate of a spec's {@code cutover.slo} section on this probe. */
    public Gate gate(double maxP95Millis, double maxErrorRate) {
        return Gates.slo(this, maxP95Millis, maxErrorRate);
    }

    @Override
    public Gates.SloSample get() {
        List<TargetReading> readings = readAll();
        TargetReading worst = readings.stream().max(Comparator.comparingDouble(TargetReading::p95Millis)).orElse(null);
        double errors = readings.stream().mapToDouble(TargetReading::errorRate).max().orElse(0);
        return worst == null ? new Gates.SloSample(0, 0, null) : new Gates.SloSample(worst.p95Millis(), errors, worst.target());
    }

    /** Probes every target now. */
    public List<TargetReading> readAll() {
        List<TargetReading> out = new ArrayList<>();
        for (TargetSpec t : targets) {
            out.add(probePostgres(t));
        }
        search.forEach((name, cfg) -> out.add(probeSolr(name, cfg)));
        return out;
    }

    private TargetReading probePostgres(TargetSpec target) {
        List<Long> nanos = new ArrayList<>();
        int errors = 0;
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
            for (int i = 0; i < tables.size(); i++) {
                TableSchema t = tables.get(i);
                int share = samples / tables.size() + (i < samples % tables.size() ? 1 : 0);
                List<Object[]> keys = randomKeys(c, t, share);
                String sql = "SELECT * FROM " + t.id().quoted() + " WHERE " + t.primaryKey().stream()
                        .map(k -> SqlIdentifiers.quote(k) + " = ?").collect(Collectors.joining(" AND "));
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (Object[] key : keys) {
                        long started = System.nanoTime();
                        try {
                            for (int k = 0; k < key.length; k++) {
                                ps.setObject(k + 1, key[k]);
                            }
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    rs.getObject(1);
                                }
                            }
                            nanos.add(System.nanoTime() - started);
                        } catch (SQLException e) {
                            errors++;
                            LOG.debug("SLO probe read on {} failed: {}", target.name(), e.getMessage());
                        }
                    }
                }
            }
        } catch (SQLException e) {
            LOG.warn("SLO probe cannot read target {}: {}", target.name(), e.getMessage());
            return new TargetReading(target.name(), Math.max(samples, 1), Math.max(samples, 1), Double.MAX_VALUE);
        }
        return reading(target.name(), nanos, errors);
    }

    /** Up to {@code n} primary keys of random rows (a Bernoulli sample sized from the row estimate). */
    private static List<Object[]> randomKeys(Connection c, TableSchema t, int n) throws SQLException {
        if (n == 0) {
            return List.of();
        }
        String pk = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        double rows;
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, t.id().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rows = rs.next() ? rs.getDouble(1) : -1;
            }
        }
        List<Object[]> keys = new ArrayList<>();
        if (rows > n * 20.0) {
            double pct = Math.min(100, 400.0 * n / rows);
            keys = selectKeys(c, "SELECT " + pk + " FROM " + t.id().quoted() + " TABLESAMPLE BERNOULLI ("
                    + String.format(java.util.Locale.ROOT, "%.6f", pct) + ") LIMIT " + n, t);
        }
        if (keys.size() < n) {
            keys = selectKeys(c, "SELECT " + pk + " FROM " + t.id().quoted() + " ORDER BY random() LIMIT " + n, t);
        }
        return keys;
    }

    private static List<Object[]> selectKeys(Connection c, String sql, TableSchema t) throws SQLException {
        List<Object[]> keys = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Object[] k = new Object[t.primaryKey().size()];
                for (int i = 0; i < k.length; i++) {
                    k[i] = rs.getObject(i + 1);
                }
                keys.add(k);
            }
        }
        return keys;
    }

    private TargetReading probeSolr(String name, SolrTargetConfig cfg) {
        List<Long> nanos = new ArrayList<>();
        int errors = 0;
        String collection = cfg.collectionName();
        String live = "-" + SolrDocuments.DELETED_FIELD + ":true";
        try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
            SolrQuery count = new SolrQuery("*:*").addFilterQuery(live).setRows(0);
            long found = client.query(collection, count).getResults().getNumFound();
            int start = found > samples ? ThreadLocalRandom.current().nextInt((int) Math.min(Integer.MAX_VALUE, found - samples)) : 0;
            SolrDocumentList docs = client.query(collection, new SolrQuery("*:*").addFilterQuery(live).setFields("id")
                    .setStart(start).setRows(samples)).getResults();
            for (SolrDocument d : docs) {
                long started = System.nanoTime();
                try {
                    client.query(collection, new SolrQuery("{!term f=id}" + d.getFieldValue("id")).setRows(1));
                    nanos.add(System.nanoTime() - started);
                } catch (Exception e) {
                    errors++;
                    LOG.debug("SLO probe query on {} failed: {}", name, e.getMessage());
                }
            }
        } catch (Exception e) {
            LOG.warn("SLO probe cannot query search target {} ({}): {}", name, collection, e.getMessage());
            return new TargetReading(name, Math.max(samples, 1), Math.max(samples, 1), Double.MAX_VALUE);
        }
        return reading(name, nanos, errors);
    }

    private static TargetReading reading(String target, List<Long> nanos, int errors) {
        List<Long> sorted = nanos.stream().sorted().toList();
        double p95 = sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.95) - 1)) / 1e6;
        return new TargetReading(target, sorted.size() + errors, errors, p95);
    }

    /** The readings of a probe as text, e.g. for logs. */
    public static String describe(List<TargetReading> readings) {
        Map<String, String> m = new LinkedHashMap<>();
        readings.forEach(r -> m.put(r.target(), String.format(java.util.Locale.ROOT, "p95 %.3f ms, %d/%d errors",
                r.p95Millis(), r.errors(), r.reads())));
        return m.toString();
    }
}
