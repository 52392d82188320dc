package io.shardshift.migrator.cli;

import io.shardshift.core.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code shardshift} command line. Every subcommand returns 0 on success, 1 when the job ran but
 * found a problem (a mismatch, a failed gate), and 2 for bad input (a bad spec, an unreachable system),
 * with a message naming the field or table. The demo and the benchmarks are added by the tools module
 * ({@code io.shardshift.tools.ToolsCli}), which the {@code ./shardshift} launcher runs.
 */
@Command(name = "shardshift", mixinStandardHelpOptions = true, version = "shardshift 0.1.0",
        description = "Moves live PostgreSQL data to a new shard layout with no downtime.",
        subcommands = {MigrateCommand.class, SpecCommand.class, io.shardshift.migrator.cli.plan.PlanCommand.class,
                VerifyCommand.class, SearchCommand.class, ShadowCommand.class, CutoverCommand.class, RebalanceCommand.class, ServeCommand.class, FinishCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class ShardshiftCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Builds the command line with every subcommand and the error handling. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ShardshiftCli());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof SpecException) {
                cmd.getErr().println("shardshift: invalid spec: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("shardshift: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
