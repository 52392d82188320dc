package io.shardshift.tools.bench;

import io.shardshift.engine.run.InstanceInfo;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A second migrator process for the bench's run on 2 instances: {@code shardshift migrate --role apply} in a JVM of
 * its own on the bench's class path, with the bench's spec, so the apply's Kafka Streams group spreads over this
 * process and the bench's. Closing it stops it cleanly (SIGTERM: its buffers written, its offsets committed, its
 * instance removed), or kills it after 60 s.
 */
final class SecondApplyProcess implements AutoCloseable {
    static final String INSTANCE_ID = "bench-apply-2";

    private final Process process;
    private final Path log;

    private SecondApplyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts it and waits until both processes apply a share of the partitions (as the instances topic tells).
     *
     * @param specYaml the bench's spec
     * @param env      the environment its {@code ${env:...}} references need
     */
    static SecondApplyProcess start(MigrationRunner runner, String specYaml, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("shardshift-bench-apply-2");
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, specYaml);
        Path log = dir.resolve("migrator.log");
        List<String> cmd = ChildJvm.command(List.of("-Xmx1g"), ShardshiftCli.class, List.of("migrate", "--spec=" + spec,
                "--state-dir=" + dir.resolve("state"), "--role=apply", "--instance-id=" + INSTANCE_ID, "--http-port=-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true");
        SecondApplyProcess second = new SecondApplyProcess(pb.start(), log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(holding(runner, INSTANCE_ID) > 0 && holding(runner, runner.options().instanceId()) > 0)) {
            if (!second.process.isAlive()) {
                throw new IllegalStateException("the second migrator process exited with " + second.process.exitValue()
                        + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                second.close();
                throw new IllegalStateException("the second migrator process did not take a share of the apply within "
                        + timeout + "; see " + log);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        return second;
    }

    /** The apply partitions an instance holds, as its last heartbeat tells (0 when it is lost or unknown). */
    static int holding(MigrationRunner runner, String id) {
        long now = System.currentTimeMillis();
        return runner.instances().instances().stream()
                .filter(i -> i.id().equals(id) && InstanceInfo.LIVE.equals(i.state(now)))
                .mapToInt(i -> i.holding(InstanceInfo.APPLY_PARTITIONS)).sum();
    }

    /** Where its output goes. */
    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
