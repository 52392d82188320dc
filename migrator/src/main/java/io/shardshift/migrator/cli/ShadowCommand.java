package io.shardshift.migrator.cli;

import io.shardshift.client.shadow.KafkaShadowSink;
import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.verify.replay.ReplaySummary;
import io.shardshift.verify.replay.SolrEndpoint;
import io.shardshift.verify.replay.SolrLogReplay;
import io.shardshift.verify.replay.WatermarkCatchUp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code shardshift shadow replay ...}: live read replay. */
@Command(name = "shadow", mixinStandardHelpOptions = true, description = "Shadow reads: compare the new layout's answers with the old.",
        subcommands = ShadowCommand.Replay.class)
public final class ShadowCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    /**
     * {@code shardshift shadow replay --solr-log F --new URL|collection [--old URL|collection] [--solr URL]
     * [--spec FILE]}: replays the selects of a Solr request log (or Jetty request log) against the old and the new
     * collection and compares numFound and the top-k ids. With {@code --spec}, a difference that disappears once the
     * new side has applied up to the source's position is explained by lag, and every outcome is published to
     * {@code <prefix>.shadow} for the cutover gate. Exit 0 when nothing mismatched, 1 on a mismatch or a failed
     * select, 2 for bad input.
     */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay a Solr log's selects against the old and the new collection and compare the answers.")
    static final class Replay implements Callable<Integer> {
        @Option(names = "--solr-log", required = true, description = "Solr request log or Jetty request log file.")
        Path solrLog;

        @Option(names = "--solr", description = "Solr base URL (e.g. http://solr:8983/solr) for collection names.")
        String solr;

        @Option(names = "--old", description = "The old collection (URL or name). Default: the collection each line names.")
        String oldSide;

        @Option(names = "--new", required = true, description = "The new collection (URL or name).")
        String newSide;

        @Option(names = "--spec", description = "The migration spec: lag tolerance (verify's watermark) and publishing"
                + " to <prefix>.shadow.")
        Path spec;

        @Option(names = "--id-field", defaultValue = "id", description = "The unique key field (default ${DEFAULT-VALUE}).")
        String idField;

        @Option(names = "--strict-scores", description = "Compare relevance-ranked top-k in score order too.")
        boolean strictScores;

        @Option(names = "--include-tombstones", description = "Do not exclude shardshift's delete tombstones on the new side.")
        boolean includeTombstones;

        @Option(names = "--catch-up-timeout", defaultValue = "PT60S",
                description = "How long a lag re-check waits for the new side (ISO-8601, default ${DEFAULT-VALUE}).")
        Duration catchUpTimeout;

        @Spec
        CommandSpec command;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = command.commandLine().getErr();
            List<String> problems = new ArrayList<>();
            SolrEndpoint oldEndpoint = endpoint("--old", oldSide, problems);
            SolrEndpoint newEndpoint = endpoint("--new", newSide, problems);
            if (!Files.isReadable(solrLog)) {
                problems.add("--solr-log: cannot read " + solrLog);
            }
            MigrationSpec migration = null;
            if (spec != null) {
                try {
                    migration = SpecLoader.load(spec);
                } catch (RuntimeException e) {
                    problems.add("--spec: " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("shardshift shadow replay: " + p));
                err.flush();
                return 2;
            }
            SolrLogReplay.Options options = new SolrLogReplay.Options(oldEndpoint, newEndpoint, idField,
                    includeTombstones ? null : "-" + SolrDocuments.DELETED_FIELD + ":true", strictScores, 2000);
            ReplaySummary summary;
            try (WatermarkCatchUp catchUp = migration == null ? null : new WatermarkCatchUp(migration, catchUpTimeout);
                 KafkaShadowSink sink = migration == null ? null : new KafkaShadowSink(migration.kafka().bootstrapServers(),
                         ShadowRecord.topic(migration.topicPrefix()), Map.of(), err::println);
                 BufferedReader log = Files.newBufferedReader(solrLog, StandardCharsets.UTF_8)) {
                summary = new SolrLogReplay(options, catchUp, sink, System::currentTimeMillis).run(log);
                if (sink != null) {
                    sink.flush();
                    if (sink.failed() > 0) {
                        err.println("shardshift shadow replay: " + sink.failed() + " records could not be published to "
                                + ShadowRecord.topic(migration.topicPrefix()));
                    }
                }
            } catch (NoSuchFileException e) {
                err.println("shardshift shadow replay: --solr-log: no such file " + solrLog);
                err.flush();
                return 2;
            }
            command.commandLine().getOut().print(summary.toText());
            command.commandLine().getOut().flush();
            err.flush();
            return summary.clean() ? 0 : 1;
        }

        private SolrEndpoint endpoint(String option, String value, List<String> problems) {
            try {
                return SolrEndpoint.parse(option, value, solr);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return null;
            }
        }
    }
}
