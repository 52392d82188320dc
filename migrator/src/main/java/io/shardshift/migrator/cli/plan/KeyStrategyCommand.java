package io.shardshift.migrator.cli.plan;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.spec.SourceSpec;
import io.shardshift.plan.capacity.KeySample;
import io.shardshift.plan.capacity.PartitionKeyStrategyReport;
import io.shardshift.plan.capacity.StrategySpread;
import io.shardshift.plan.gather.KeySampler;
import io.shardshift.plan.gather.ShardedTable;
import io.shardshift.plan.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code shardshift plan keys --spec FILE --table public.orders}: how evenly a sample of the table's real
 * keys spreads over the partitions under each partition key strategy, and what order each keeps.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Partition key strategy report: hash, per-user, time-based, composite and random, over a sample of real keys.")
public final class KeyStrategyCommand implements Callable<Integer> {
    @Spec
    CommandSpec commandSpec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The migration spec (for the source).")
    Path specFile;

    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table to sample, schema.table.")
    String table;

    @Option(names = "--time-column", paramLabel = "COLUMN", description = "A timestamp column for the time-based strategy.")
    String timeColumn;

    @Option(names = "--sample", defaultValue = "10000", paramLabel = "N", description = "Keys to sample (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions to spread over (default: the spec's kafka.partitions).")
    Integer partitions;

    @Option(names = "--window-seconds", defaultValue = "3600", paramLabel = "N",
            description = "Width of a time-based partition's window (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Option(names = "--fanout", defaultValue = "4", paramLabel = "N",
            description = "Sub-groups per tenant of the composite strategy (default: ${DEFAULT-VALUE}).")
    int fanout;

    @Override
    public Integer call() throws SQLException {
        MigrationSpec spec = SpecLoader.load(specFile);
        TableId id = TableId.parse(table);
        SourceSpec source = spec.source();
        List<KeySample> keys = new KeySampler(() -> DriverManager.getConnection(source.jdbcUrl(), source.user(),
                source.password())).sample(new ShardedTable(id, spec.shardKeyOf(id)), timeColumn, sample);
        int n = partitions != null ? partitions : spec.partitions();
        List<StrategySpread> spreads = new PartitionKeyStrategyReport(n, Duration.ofSeconds(windowSeconds), fanout, 42)
                .analyze(keys);
        PrintWriter out = commandSpec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d keys of %s over %d partitions:%n", keys.size(), id, n);
        out.printf(Locale.ROOT, "  %-11s %9s %9s %6s  %s%n", "strategy", "max/mean", "stddev/m", "empty", "order kept");
        for (StrategySpread s : spreads) {
            out.printf(Locale.ROOT, "  %-11s %9s %9s %6d  %s%n", s.strategy().name().toLowerCase(Locale.ROOT),
                    Units.ratio(s.maxOverMean()), Units.number(s.stddevOverMean()), s.emptyPartitions(), s.orderKept());
        }
        out.flush();
        return 0;
    }
}
