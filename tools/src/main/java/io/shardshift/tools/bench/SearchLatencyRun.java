package io.shardshift.tools.bench;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.testkit.DemoSource;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.common.SolrDocument;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency to searchable at a fixed rate: writers insert single rows into the demo table (one autocommit
 * transaction each, paced to {@code rate} in all, half of them for the hot tenant), recording when each
 * commit was acknowledged; for one insert in {@code sampleEvery}, a probe looks the document up through the
 * alias every {@value #POLL_MILLIS} ms with a {@code {!terms f=id}} query and records when it first shows
 * up. The figure reads up to one poll interval plus one query high.
 */
final class SearchLatencyRun {
    static final int POLL_MILLIS = 20;
    private static final int MAX_IDS_PER_QUERY = 500;
    private static final Duration CATCH_UP = Duration.ofMinutes(3);

    /**
     * @param writes  inserts committed
     * @param seconds how long the writers ran
     * @param latency commit acknowledged to visible through the alias, sampled
     * @param capture source commit to readable on the change topic, every event (the capture half)
     * @param apply   the apply topology's own figures for the search target: source commit to Solr's
     *                acknowledgement of the update (before commitWithin makes it visible)
     */
    record Result(long writes, double seconds, Percentiles latency, Percentiles capture, ApplyMetrics.TargetStats apply) {
        double rate() {
            return writes / seconds;
        }
    }

    private final MigrationRunner runner;
    private final SolrClient solr;
    private final SolrTargetConfig config;
    private final SolrDocuments docs;
    private final int sampleEvery;

    SearchLatencyRun(MigrationRunner runner, SolrClient solr, SolrTargetConfig config, int sampleEvery) {
        TableSchema table = runner.search().schema(config.name());
        this.runner = runner;
        this.solr = solr;
        this.config = config;
        this.docs = SolrDocuments.of(config, table);
        this.sampleEvery = sampleEvery;
    }

    Result run(double rate, int writers, Duration duration) throws InterruptedException {
        try (TopicLatency topic = TopicLatency.start(runner.spec())) {
            PacedLoad<String> load = new PacedLoad<>("search-latency", Duration.ofMillis(POLL_MILLIS), CATCH_UP);
            PacedLoad.Outcome r = load.run(rate, writers, duration, InsertWriter::new, () -> new AliasProbe());
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (topic.seen() < r.writes() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            return new Result(r.writes(), r.seconds(), Percentiles.of(r.millis()), topic.stop(),
                    runner.metrics().snapshot().get(config.name()));
        }
    }

    /** Inserts demo orders, every other one for the hot tenant; probes one in {@code sampleEvery}. */
    private final class InsertWriter implements PacedLoad.Writer<String> {
        private final int writer;
        private final List<String> others = DemoSource.TENANTS.subList(1, DemoSource.TENANTS.size());
        private final Connection connection;
        private final PreparedStatement insert;

        InsertWriter(int writer) throws SQLException {
            this.writer = writer;
            var source = runner.spec().source();
            connection = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
            connection.setAutoCommit(true);
            insert = connection.prepareStatement("INSERT INTO public.orders (tenant_id, customer, status, amount,"
                    + " note) VALUES (?, 'bench', 'new', 1.00, 'search latency') RETURNING id");
        }

        @Override
        public String write(long n) throws SQLException {
            String tenant = n % 2 == 0 ? DemoSource.HOT_TENANT : others.get((int) ((n / 2 + writer) % others.size()));
            insert.setString(1, tenant);
            long id;
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            return n % sampleEvery == 0 ? docs.idOf(Map.of("id", Long.toString(id), "tenant_id", tenant)) : null;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** Looks documents up through the alias with {@code {!terms f=id}} queries, skipping tombstones. */
    private final class AliasProbe implements PacedLoad.Probe<String> {
        @Override
        public Collection<String> visible(List<String> pending) throws Exception {
            List<String> seen = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += MAX_IDS_PER_QUERY) {
                List<String> ids = pending.subList(from, Math.min(pending.size(), from + MAX_IDS_PER_QUERY));
                SolrQuery q = new SolrQuery("{!terms f=id}" + String.join(",", ids)).setFields("id").setRows(ids.size());
                q.addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
                for (SolrDocument d : solr.query(config.alias(), q, SolrRequest.METHOD.POST).getResults()) {
                    seen.add((String) d.getFirstValue("id"));
                }
            }
            return seen;
        }

        @Override
        public void close() {
            // the Solr client belongs to the caller
        }
    }
}
