package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.audit.AuditTrail;
import io.shardshift.audit.AuditVerifier;
import io.shardshift.audit.ManifestRecords;
import io.shardshift.verify.manifest.ManifestJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code shardshift audit verify --file F | --spec F}: checks the hash chain of a cutover audit trail.
 * {@code shardshift audit manifest --file F --out M [--generation G]}: writes the integrity manifest a cutover
 * recorded, checked against the hash its audit entry holds.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with the cutover audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.ManifestOut.class})
public final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Verifies the chain; exit 0 when intact, 1 naming the first broken seq. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the audit chain (from the file, or from the migration's audit topic).")
    public static final class Verify implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--file", description = "The audit file (one JSON entry per line).")
            Path file;

            @Option(names = "--spec", description = "The migration spec: reads the topic <prefix>.audit.")
            Path spec;
        }

        @Spec
        CommandSpec command;

        @Override
        public Integer call() throws Exception {
            AuditVerifier.Result r;
            String where;
            if (source.file != null) {
                where = source.file.toString();
                r = AuditVerifier.verifyFile(source.file);
            } else {
                MigrationSpec migration = SpecLoader.load(source.spec);
                where = AuditTrail.topicOf(migration.topicPrefix());
                r = AuditVerifier.verifyTopic(migration.kafka().bootstrapServers(), where, Duration.ofSeconds(30));
            }
            if (r.valid()) {
                command.commandLine().getOut().printf("audit %s: %d entries, chain intact%n", where, r.entries());
                return 0;
            }
            command.commandLine().getOut().printf("audit %s: BROKEN at seq %d: %s (%d entries before it verify)%n",
                    where, r.firstBrokenSeq(), r.reason(), r.entries());
            return 1;
        }
    }

    /** Writes a recorded manifest to a file; exit 0 when written, 2 when the trail or the manifest cannot be trusted. */
    @Command(name = "manifest", mixinStandardHelpOptions = true,
            description = "Write the integrity manifest a cutover recorded in the audit trail (checked against its hash).")
    public static final class ManifestOut implements Callable<Integer> {
        @Option(names = "--file", required = true, description = "The audit file (audit.log in the state directory).")
        Path file;

        @Option(names = "--out", required = true, description = "Where to write the manifest (JSON).")
        Path out;

        @Option(names = "--generation", description = "The manifest of the cutover to this generation (default: the last one).")
        Long generation;

        @Spec
        CommandSpec command;

        @Override
        public Integer call() {
            try {
                byte[] manifest = ManifestRecords.extract(file, generation);
                Files.write(out, manifest);
                command.commandLine().getOut().printf("manifest written to %s (%d bytes, SHA-256 %s)%n", out,
                        manifest.length, ManifestJson.sha256(manifest));
                return 0;
            } catch (IllegalStateException | IllegalArgumentException e) {
                command.commandLine().getErr().println("shardshift audit manifest: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                command.commandLine().getErr().println("shardshift audit manifest: cannot read " + file + " or write "
                        + out + ": " + e.getMessage());
                return 2;
            }
        }
    }
}
