package io.shardshift.migrator.cli;

import io.shardshift.core.spec.EffectiveConfig;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecDoc;
import io.shardshift.core.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code shardshift spec --explain}: every key of the migration spec with its type, default and meaning (the
 * same catalogue the README's spec section is generated from). {@code shardshift spec --check F}: validates a
 * spec without connecting to anything, lists every problem at once (exit 2), else prints the effective
 * configuration with defaults filled in and secrets masked.
 */
@Command(name = "spec", mixinStandardHelpOptions = true,
        description = "Explain the spec's keys (--explain), or check a spec file and print its effective configuration (--check F).")
public final class SpecCommand implements Callable<Integer> {

    @Option(names = "--explain", description = "Print every spec key with its type, default and meaning.")
    boolean explain;

    @Option(names = "--check", paramLabel = "FILE", description = "Validate this spec (YAML) and print its effective configuration.")
    Path check;

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (explain == (check != null)) {
            command.commandLine().getErr().println("shardshift spec: give exactly one of --explain or --check FILE");
            return 2;
        }
        PrintWriter out = command.commandLine().getOut();
        if (explain) {
            out.print(SpecDoc.text());
        } else {
            MigrationSpec spec = SpecLoader.load(check);
            out.println("spec " + check + " is valid; effective configuration (secrets masked):");
            out.print(EffectiveConfig.render(spec, System.getenv()));
        }
        out.flush();
        return 0;
    }
}
