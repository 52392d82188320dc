package io.shardshift.migrator.cli.plan;

import io.shardshift.core.spec.Secrets;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.plan.LayoutProposal;
import io.shardshift.plan.LayoutYaml;
import io.shardshift.plan.LoadWeight;
import io.shardshift.plan.PlanOptions;
import io.shardshift.plan.PlanResult;
import io.shardshift.plan.PlanRunner;
import io.shardshift.plan.PlanSettings;
import io.shardshift.plan.chart.BarChart;
import io.shardshift.plan.chart.SkewChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code shardshift plan --spec FILE}: measures load per tenant and shard in the live systems, reports the
 * skew against the design's thresholds, and proposes the spec's next layout. Exit code 0 when every
 * threshold holds, 1 when a threshold is crossed or the skew cannot be fixed by moving buckets, 2 for bad
 * input or an unreachable source.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Measures load per tenant and shard, reports skew against the thresholds"
                + " (rate skew > 2.0, filter cache hit ratio < 30%%, top partition lag > p95, bloat > 25%%,"
                + " write share > 60%%) and proposes a new layout: hot tenants to dedicated targets, buckets"
                + " balanced with as few bytes moved as possible."},
        subcommands = {CapacityCommand.class, KeyStrategyCommand.class, StreamCommand.class})
public final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec commandSpec;

    @Option(names = "--spec", paramLabel = "FILE", description = "The migration spec; its layout is the current one.")
    Path specFile;

    @Option(names = "--out-layout", paramLabel = "FILE", description = "Write the proposed layout as a spec 'layout:' section.")
    Path outLayout;

    @Option(names = "--svg", paramLabel = "FILE", description = "Write a chart of load per target, before and after, as SVG.")
    Path svg;

    @Option(names = "--png", paramLabel = "FILE", description = "Write the same chart as PNG.")
    Path png;

    @Option(names = "--json", description = "Print the report and proposal as JSON instead of text.")
    boolean json;

    @Option(names = "--targets", split = ",", paramLabel = "NAME",
            description = "Extra targets that may receive load (e.g. new empty databases).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--sample-seconds", defaultValue = "10", paramLabel = "N",
            description = "How long to watch writes, offsets and queries (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(names = "--max-skew", defaultValue = "1.5", paramLabel = "X",
            description = "The skew the proposal aims for (default: ${DEFAULT-VALUE}).")
    double maxSkew;

    @Option(names = "--hot-share", defaultValue = "1.0", paramLabel = "X",
            description = "A tenant above X times the mean load per target gets its own target (default: ${DEFAULT-VALUE}).")
    double hotShare;

    @Option(names = "--weight", defaultValue = "BALANCED", paramLabel = "W",
            description = "What to balance: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LoadWeight weight;

    @Option(names = "--chart", defaultValue = LayoutProposal.LOAD, paramLabel = "DIM",
            description = "The chart's dimension: load, rows, bytes or writesPerSec (default: ${DEFAULT-VALUE}).")
    String chartDimension;

    @Option(names = "--no-kafka", description = "Do not read the change topics.")
    boolean noKafka;

    @Option(names = "--solr-url", paramLabel = "URL", description = "A Solr node's base URL, e.g. http://solr:8983/solr.")
    String solrUrl;

    @Option(names = "--solr-collection", paramLabel = "NAME", description = "The Solr collection to measure.")
    String solrCollection;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = commandSpec.commandLine().getErr();
        if (specFile == null) {
            err.println("shardshift plan: --spec FILE is required");
            return 2;
        }
        if (sampleSeconds < 1) {
            err.println("shardshift plan: --sample-seconds must be at least 1, was " + sampleSeconds);
            return 2;
        }
        MigrationSpec spec = SpecLoader.load(specFile);
        PlanSettings settings = PlanSettings.defaults().withWindow(Duration.ofSeconds(sampleSeconds))
                .withKafka(!noKafka).withSolr(solrUrl, solrCollection).withExtraTargets(targets)
                .withOptions(new PlanOptions(maxSkew, hotShare, weight, null));
        PlanResult result;
        try {
            result = new PlanRunner(spec).run(spec, settings);
        } catch (SQLException e) {
            err.println(Secrets.maskCredentials("shardshift plan: cannot read the source " + spec.source().jdbcUrl() + ": "
                    + e.getMessage()));
            return 2;
        }
        BarChart chart = BarChart.of(result.proposal(), chartDimension, weight);
        PrintWriter out = commandSpec.commandLine().getOut();
        if (json) {
            out.println(PlanJson.toJson(result, chart));
            out.flush();
        } else {
            PlanPrinter.print(result, out);
        }
        write(outLayout, LayoutYaml.toYaml(result.proposal().layout()).getBytes(StandardCharsets.UTF_8), err);
        write(svg, SkewChart.svg(chart).getBytes(StandardCharsets.UTF_8), err);
        if (png != null) {
            write(png, SkewChart.png(chart), err);
        }
        return result.hasProblems() ? 1 : 0;
    }

    private static void write(Path file, byte[] content, PrintWriter err) throws IOException {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, content);
        err.println("wrote " + file);
        err.flush();
    }
}
