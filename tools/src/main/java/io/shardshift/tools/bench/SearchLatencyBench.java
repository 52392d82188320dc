package io.shardshift.tools.bench;

import io.shardshift.testkit.SearchOnlySpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The figure for search: end-to-end latency to searchable, from the source commit to the row being
 * visible in a query through the alias, at a fixed insert rate, for each {@code commitWithin} asked for.
 *
 * <p>Starts a real stack (source PostgreSQL, Kafka, a two-node SolrCloud), fills the demo table, then per
 * {@code commitWithin}: runs a search-only migration into a new collection, waits for its backfill and
 * drain, points the alias at it, and measures with {@link SearchLatencyRun} while writers insert at the
 * rate. Prints p50/p95/p99. No assertion: the figures depend on the machine.
 */
@Command(name = "search-latency", mixinStandardHelpOptions = true,
        description = "Measure source commit -> visible through the Solr alias, at a fixed insert rate.")
public final class SearchLatencyBench implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "1000", description = "Inserts per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seconds", defaultValue = "20", description = "How long the writers run per measure (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--writers", defaultValue = "4", description = "Writer threads, one row per transaction (default ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--sample-every", defaultValue = "20", description = "Probe one insert in this many (default ${DEFAULT-VALUE}).")
    int sampleEvery;

    @Option(names = "--commit-within", split = ",", defaultValue = "1000,200",
            description = "commitWithin values to measure, in ms, comma separated (default ${DEFAULT-VALUE}).")
    List<Integer> commitWithin = new ArrayList<>();

    @Option(names = "--rows", defaultValue = "20000", description = "Rows in the table before the migration (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--shards", defaultValue = "8", description = "Shards of the new collection (default ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--solr-in-process", description = "Run SolrCloud in this JVM (by default it runs in a JVM of its own).")
    boolean solrInProcess;

    private final PrintStream out;

    public SearchLatencyBench() {
        this(System.out);
    }

    SearchLatencyBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        out.printf("search-latency: starting source PostgreSQL, Kafka and a 2-node SolrCloud (%s)%n",
                solrInProcess ? "in this JVM" : "in a JVM of its own");
        List<String> lines = new ArrayList<>();
        try (DemoStack stack = DemoStack.start(true, solrInProcess)) {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(c, rows);
            }
            for (int i = 0; i < commitWithin.size(); i++) {
                int ms = commitWithin.get(i);
                lines.add(measure(stack, "search_latency_" + i, 10 + i, ms));
            }
        }
        out.println();
        out.printf("search-latency: source commit -> visible in a query through the alias, %.0f inserts/s,"
                + " %d writers, one row per transaction, %d shards, probe every %d ms, SolrCloud %s%n", rate, writers,
                shards, SearchLatencyRun.POLL_MILLIS, solrInProcess ? "in this JVM" : "in a JVM of its own");
        lines.forEach(out::println);
        return 0;
    }

    private String measure(DemoStack stack, String name, int version, int commitWithinMs) throws Exception {
        MigrationSpec spec = SearchOnlySpec.of(stack, name, version, shards, 1, commitWithinMs);
        Path state = Files.createTempDirectory("shardshift-search-latency");
        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            if (!runner.awaitBackfill(Duration.ofMinutes(10))) {
                throw new IllegalStateException("backfill of " + name + " did not finish within 10 minutes");
            }
            Drain.await(runner.lag(), Duration.ofMinutes(5));
            SolrTargetConfig cfg = runner.search().config(SearchOnlySpec.TARGET);
            try (var solr = SolrClients.forTarget(cfg)) {
                solr.commit(cfg.collectionName(), true, true, true);
                new SolrProvisioner(solr).pointAlias(cfg);
                out.printf("search-latency: alias %s -> %s (commitWithin %d ms); writing %.0f/s for %d s%n",
                        cfg.alias(), cfg.collectionName(), commitWithinMs, rate, seconds);
                SearchLatencyRun.Result r = new SearchLatencyRun(runner, solr, cfg, sampleEvery)
                        .run(rate, writers, Duration.ofSeconds(seconds));
                String line = String.format("  commitWithin %5d ms: %s; achieved %.0f inserts/s (%d rows)%n"
                                + "      capture half (commit -> change topic): %s%n"
                                + "      apply (commit -> Solr acknowledged, since the migration started): %s",
                        commitWithinMs, r.latency(), r.rate(), r.writes(), r.capture(),
                        r.apply() == null ? "none" : "p50 " + r.apply().p50LatencyMillis() + " ms, p99 "
                                + r.apply().p99LatencyMillis() + " ms");
                out.println("search-latency:" + line);
                return line;
            }
        }
    }

    /** Runs the benchmark alone: {@code java -cp ... io.shardshift.tools.bench.SearchLatencyBench}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SearchLatencyBench()).execute(args));
    }
}
