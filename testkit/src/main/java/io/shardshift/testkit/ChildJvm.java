package io.shardshift.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM of its own running a main class on this JVM's class path, for tests and the chaos
 * suite that need a process they can really kill or stop. For example
 * {@code ChildJvm.command(List.of("-Xmx1g"), ShardshiftCli.class, List.of("migrate", "--spec=spec.yaml"))} is
 * {@code <java.home>/bin/java -Xmx1g -cp <class path> io.shardshift.migrator.cli.ShardshiftCli migrate --spec=spec.yaml}.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}, with this JVM's {@code java}. */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }
}
