package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.audit.AuditTrail;
import io.shardshift.audit.AuditVerifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code shardshift audit verify --file F | --spec F}: checks the hash chain of a cutover audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with the cutover audit trail.",
        subcommands = AuditCommand.Verify.class)
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
}
