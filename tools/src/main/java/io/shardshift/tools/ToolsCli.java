package io.shardshift.tools;

import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.tools.bench.BenchCommand;
import io.shardshift.tools.bench.SearchLatencyBench;
import io.shardshift.tools.bench.StreamRebalanceBench;
import io.shardshift.tools.chaos.ChaosCommand;
import io.shardshift.tools.demo.DemoCommand;
import picocli.CommandLine;

/**
 * The {@code ./shardshift} launcher's command line: the product's {@link ShardshiftCli} plus the demo, the
 * benchmarks and the chaos suite, which bring an embedded devstack (PostgreSQL, Kafka, SolrCloud) that the shipped CLI does not carry.
 */
public final class ToolsCli {
    private ToolsCli() {
    }

    /** The product's command line with {@code demo}, {@code bench}, {@code search-latency}, {@code stream-bench} and {@code chaos} added. */
    public static CommandLine commandLine() {
        CommandLine cli = ShardshiftCli.commandLine();
        cli.addSubcommand(new CommandLine(new DemoCommand()));
        cli.addSubcommand(new CommandLine(new BenchCommand()));
        cli.addSubcommand(new CommandLine(new SearchLatencyBench()));
        cli.addSubcommand(new CommandLine(new StreamRebalanceBench()));
        cli.addSubcommand(new CommandLine(new ChaosCommand()));
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
