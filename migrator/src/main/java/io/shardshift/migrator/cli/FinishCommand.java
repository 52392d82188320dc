package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.cutover.MigrationFinish;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code shardshift finish --spec F [--force]}: ends a migration whose cutover is final (see
 * {@link MigrationFinish}). Exit 0 when the slot and publication were dropped, 1 when it is refused.
 */
@Command(name = "finish", mixinStandardHelpOptions = true,
        description = "Drop the replication slot and publication of a migration whose cutover is final (after its observation window).")
public final class FinishCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, description = "The migration spec (YAML).")
    Path spec;

    @Option(names = "--force", description = "Drop them even if the migration could still be needed (abandons it).")
    boolean force;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        MigrationSpec migration = SpecLoader.load(spec);
        if (!force) {
            Optional<String> refusal = MigrationFinish.refusal(migration);
            if (refusal.isPresent()) {
                command.commandLine().getErr().println("shardshift finish: refused: " + refusal.get());
                return 1;
            }
        }
        MigrationFinish.finish(migration);
        command.commandLine().getOut().println("finished " + migration.name() + ": dropped "
                + (migration.captureGroups() == 1 ? "slot " + migration.slotName() + " and publication "
                        + migration.publicationName() : "the capture groups' slots " + migration.slotNames()
                        + " and their publications") + "; the change topics " + migration.topicPrefix()
                + ".* stay until you delete them");
        return 0;
    }
}
