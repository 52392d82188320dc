package io.shardshift.plan;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.plan.gather.KafkaLoad;
import io.shardshift.plan.gather.KafkaLoadGatherer;
import io.shardshift.plan.gather.PostgresLoad;
import io.shardshift.plan.gather.PostgresLoadGatherer;
import io.shardshift.plan.gather.ShardedTable;
import io.shardshift.plan.gather.SolrLoad;
import io.shardshift.plan.gather.SolrLoadGatherer;
import io.shardshift.plan.report.SkewAnalyzer;
import io.shardshift.plan.report.SkewReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@code shardshift plan}: measures the source (and the change topics and Solr, when there are) over
 * the same window, in parallel, then reports the skew and proposes a layout. The spec's layout is the
 * current one: the plan proposes its next generation.
 */
public final class PlanRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final PostgresLoadGatherer postgres;

    /** A runner that reads the spec's source. */
    public PlanRunner(MigrationSpec spec) {
        this(PostgresLoadGatherer.of(spec.source()));
    }

    /** A runner with a given source gatherer. */
    public PlanRunner(PostgresLoadGatherer postgres) {
        this.postgres = postgres;
    }

    /**
     * Measures and plans.
     *
     * @throws SQLException when the source cannot be read (Kafka and Solr failures become report notes)
     */
    public PlanResult run(MigrationSpec spec, PlanSettings settings) throws SQLException, InterruptedException {
        List<ShardedTable> tables = spec.tableIds().stream()
                .map(t -> new ShardedTable(t, spec.shardKeyOf(t))).toList();
        List<String> notes = new ArrayList<>();
        if (!settings.measureKafka()) {
            notes.add("kafka: not measured (switched off)");
        }
        if (settings.solrUrl() == null) {
            notes.add("solr: not measured (no Solr URL and collection given)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "plan-gather");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<PostgresLoad> pg = pool.submit(() -> postgres.gather(tables, settings.window()));
            Future<KafkaLoad> kafka = settings.measureKafka() ? pool.submit(() -> gatherKafka(spec, settings)) : null;
            Future<SolrLoad> solr = settings.solrUrl() == null ? null : pool.submit(() ->
                    new SolrLoadGatherer(settings.solrUrl(), CALL_TIMEOUT).gather(settings.solrCollection(), settings.window()));
            PostgresLoad pgLoad = getSource(pg);
            KafkaLoad kafkaLoad = optional(kafka, "kafka", notes);
            SolrLoad solrLoad = optional(solr, "solr", notes);
            SkewReport report = new SkewAnalyzer(settings.thresholds()).analyze(spec.routing(), pgLoad, kafkaLoad, solrLoad);
            if (!notes.isEmpty()) {
                List<String> all = new ArrayList<>(notes);
                all.addAll(report.notes());
                report = new SkewReport(report.dimensions(), report.findings(), report.thresholds(), all);
            }
            PlanRequest request = new PlanRequest(spec.routing(), pgLoad.tenantLoads(), settings.extraTargets(),
                    settings.capacities(), settings.options());
            LayoutProposal proposal = new LayoutPlanner().plan(request);
            return new PlanResult(pgLoad, kafkaLoad, solrLoad, report, proposal);
        } finally {
            pool.shutdownNow();
        }
    }

    private static KafkaLoad gatherKafka(MigrationSpec spec, PlanSettings settings) throws InterruptedException {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            List<String> topics = spec.tableIds().stream().map(spec::changeTopic).toList();
            return new KafkaLoadGatherer(admin, CALL_TIMEOUT).gather(topics, spec.topicPrefix() + ".apply",
                    settings.window());
        }
    }

    private static PostgresLoad getSource(Future<PostgresLoad> future) throws SQLException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot measure the source: " + cause, cause);
        }
    }

    private static <T> T optional(Future<T> future, String what, List<String> notes) throws InterruptedException {
        if (future == null) {
            return null;
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            LOG.warn("Could not measure {}: {}", what, e.getCause().toString());
            notes.add(what + ": not measured: " + e.getCause().getMessage());
            return null;
        }
    }
}
