package io.shardshift.migrator.bench;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.migrator.demo.DemoSource;
import io.shardshift.migrator.run.MigrationRunner;
import io.shardshift.migrator.topology.ApplyMetrics;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final List<Long> latencies = new CopyOnWriteArrayList<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

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
            Result r = measure(rate, writers, duration);
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (topic.seen() < r.writes() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            return new Result(r.writes(), r.seconds(), r.latency(), topic.stop(),
                    runner.metrics().snapshot().get(config.name()));
        }
    }

    private Result measure(double rate, int writers, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long intervalNanos = Math.round(writers * 1e9 / rate);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            long first = start + i * intervalNanos / writers;
            int writer = i;
            threads.add(start(() -> write(writer, first, intervalNanos, end), "search-latency-writer-" + i));
        }
        Thread probe = start(this::probe, "search-latency-probe");
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writing.set(false);
        probe.join(CATCH_UP.plusSeconds(30).toMillis());
        if (failure.get() != null) {
            throw new IllegalStateException("search latency benchmark failed: " + failure.get().getMessage(), failure.get());
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("search latency benchmark: " + pending.size() + " probed rows were not"
                    + " searchable through alias " + config.alias() + " within " + CATCH_UP + " after the writes stopped");
        }
        return new Result(writes.get(), seconds, Percentiles.of(latencies), null, null);
    }

    private void write(int writer, long firstAt, long intervalNanos, long end) {
        var source = runner.spec().source();
        List<String> others = DemoSource.TENANTS.subList(1, DemoSource.TENANTS.size());
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
             PreparedStatement insert = c.prepareStatement("INSERT INTO public.orders (tenant_id, customer, status, amount,"
                     + " note) VALUES (?, 'bench', 'new', 1.00, 'search latency') RETURNING id")) {
            c.setAutoCommit(true);
            long n = 0;
            for (long at = firstAt; at < end && failure.get() == null; at += intervalNanos, n++) {
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String tenant = n % 2 == 0 ? DemoSource.HOT_TENANT : others.get((int) ((n / 2 + writer) % others.size()));
                insert.setString(1, tenant);
                long id;
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                long committedAt = System.nanoTime();
                if (writes.incrementAndGet() % sampleEvery == 0) {
                    pending.put(docs.idOf(Map.of("id", Long.toString(id), "tenant_id", tenant)), committedAt);
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private void probe() {
        try {
            long giveUpAt = Long.MAX_VALUE;
            while (!pending.isEmpty() || writing.get()) {
                if (!writing.get() && giveUpAt == Long.MAX_VALUE) {
                    giveUpAt = System.nanoTime() + CATCH_UP.toNanos();
                }
                if (System.nanoTime() > giveUpAt || failure.get() != null) {
                    return;
                }
                long next = System.nanoTime() + Duration.ofMillis(POLL_MILLIS).toNanos();
                List<String> ids = new ArrayList<>(pending.keySet());
                for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
                    found(ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY)));
                }
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private void found(List<String> ids) throws Exception {
        SolrQuery q = new SolrQuery("{!terms f=id}" + String.join(",", ids)).setFields("id").setRows(ids.size());
        q.addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
        var response = solr.query(config.alias(), q, SolrRequest.METHOD.POST);
        long seenAt = System.nanoTime();
        for (SolrDocument d : response.getResults()) {
            Long committedAt = pending.remove((String) d.getFirstValue("id"));
            if (committedAt != null) {
                latencies.add(Math.max(0, (seenAt - committedAt) / 1_000_000));
            }
        }
    }

    private static Thread start(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
