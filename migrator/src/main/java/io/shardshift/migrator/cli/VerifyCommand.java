package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import io.shardshift.verify.VerifyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code shardshift verify --spec FILE [--table T] [--tenant X] [--repair] [--json]}: compares the source
 * with the targets row by row while writes go on. Exit 0 when clean, 1 when mismatches remain, 2 for bad input
 * or a system that cannot be read.
 *
 * <p>{@code shardshift verify --manifest F --against URL [--target T] [--user U] [--json]}: re-checks a PostgreSQL
 * copy against an integrity manifest ({@link ManifestVerify}), with the same exit codes.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare source and targets by chunk checksums, then row by row, while writes continue; "
                + "optionally repair the keys that differ.")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--spec", description = "The migration spec (YAML). Required unless --manifest is given.")
    Path spec;

    @Option(names = "--manifest", description = "An integrity manifest (JSON, e.g. from 'shardshift audit manifest'):"
            + " re-check the copy at --against against it instead of comparing source and targets.")
    Path manifest;

    @Option(names = "--against", description = "With --manifest: the JDBC URL of the PostgreSQL copy to check"
            + " (a restored backup, a DR replica, the old layout kept as an archive).")
    String against;

    @Option(names = "--target", description = "With --manifest: the copy is of this target only (its restored backup);"
            + " without it, the copy holds the whole data set.")
    String target;

    @Option(names = "--user", description = "With --manifest: the user for --against (the password is read from"
            + " $PGPASSWORD, or given in the URL).")
    String user;

    @Option(names = "--table", description = "Only this table (schema.table); repeat for several. Default: every table.")
    List<String> tables;

    @Option(names = "--tenant", description = "Only rows with this shard key value.")
    String tenant;

    @Option(names = "--repair", description = "Re-backfill the keys that differ through the fenced apply path, then re-check them.")
    boolean repair;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--chunk-rows", defaultValue = "10000", description = "Keys per checksum chunk (default ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--parallelism", defaultValue = "4", description = "Chunks compared at once (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--recheck-timeout", defaultValue = "PT60S",
            description = "How long a re-check may wait for the targets to catch up (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration recheckTimeout;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            command.commandLine().getErr().println("shardshift verify: " + String.join("; ", problems));
            return 2;
        }
        if (manifest != null) {
            return new ManifestVerify(command.commandLine().getOut(), command.commandLine().getErr())
                    .run(manifest, against, user, System.getenv("PGPASSWORD"), target, json);
        }
        MigrationSpec migration = SpecLoader.load(spec);
        VerifyOptions opts = VerifyOptions.defaults().withTables(tables).withTenant(tenant).withChunkRows(chunkRows)
                .withParallelism(parallelism).withRepair(repair).withRecheckTimeout(recheckTimeout);
        VerifyReport report;
        try (Verifier verifier = Verifier.standalone(migration)) {
            report = verifier.verify(opts);
        } catch (VerifyException e) {
            command.commandLine().getErr().println("shardshift: verify failed: " + e.getMessage());
            return 2;
        }
        command.commandLine().getOut().print(json ? report.toJson() + System.lineSeparator() : report.toText());
        command.commandLine().getOut().flush();
        return report.clean() ? 0 : 1;
    }

    /** Every bad combination of options at once, each naming its option. */
    private List<String> problems() {
        List<String> out = new java.util.ArrayList<>();
        if (manifest == null) {
            if (spec == null) {
                out.add("--spec is required (or --manifest with --against)");
            }
            if (against != null || target != null || user != null) {
                out.add("--against, --target and --user go with --manifest");
            }
            return out;
        }
        if (against == null || against.isBlank()) {
            out.add("--against is required with --manifest (the JDBC URL of the copy to check)");
        }
        if (spec != null) {
            out.add("--spec does not go with --manifest (the manifest says what to check)");
        }
        if (tables != null || tenant != null || repair) {
            out.add("--table, --tenant and --repair do not go with --manifest");
        }
        return out;
    }
}
