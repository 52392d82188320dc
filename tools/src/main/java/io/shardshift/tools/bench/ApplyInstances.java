package io.shardshift.tools.bench;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.ApplyGroup;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.ChildJvm;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * More migrator processes for the benchmark's scale-out part: each is {@code shardshift migrate --role apply} on the
 * benchmark's spec in a JVM of its own, joining the apply groups of the migration the benchmark runs in its own
 * process, so the apply tasks spread over all of them. {@link #close()} stops them the way an operator does
 * (SIGTERM, so each stores its position and leaves its groups), and kills what has not stopped after a minute.
 */
final class ApplyInstances implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    private ApplyInstances() {
    }

    /**
     * Starts {@code count} apply-only processes on the spec in {@code specYaml} (its secrets come from
     * {@code env}), logging to files in {@code dir}.
     */
    static ApplyInstances start(int count, String specYaml, Map<String, String> env, Path dir) throws IOException {
        Path spec = dir.resolve("bench-spec.yaml");
        Files.writeString(spec, specYaml);
        ApplyInstances instances = new ApplyInstances();
        try {
            for (int i = 0; i < count; i++) {
                String id = "bench-apply-" + (i + 2);
                Path log = dir.resolve(id + ".log");
                List<String> cmd = ChildJvm.command(List.of("-Xmx1g"), ShardshiftCli.class, List.of("migrate",
                        "--spec=" + spec, "--state-dir=" + dir.resolve(id), "--role=apply", "--instance-id=" + id,
                        "--http-port=-1", "--status-every=PT10S"));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(env);
                instances.processes.add(pb.start());
                instances.logs.add(log);
            }
        } catch (IOException | RuntimeException e) {
            instances.close();
            throw e;
        }
        return instances;
    }

    /**
     * Waits until every apply group of the migration is stable with {@code members} members (this process's
     * Streams clients and the started processes').
     *
     * @throws TimeoutException naming the group that was not, and where the processes log
     */
    void awaitMembers(MigrationSpec spec, int members, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        List<String> groups = ApplyGroup.of(spec).stream().map(ApplyGroup::applicationId).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                for (Process process : processes) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("an apply process exited with " + process.exitValue() + "; see " + logs);
                    }
                }
                String notYet = null;
                for (ConsumerGroupDescription g : admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS).values()) {
                    long hosts = g.members().stream().map(MemberDescription::clientId)
                            .map(ApplyInstances::processOf).distinct().count();
                    if (g.groupState() != GroupState.STABLE || hosts < members) {
                        notYet = g.groupId() + " is " + g.groupState() + " with " + hosts + " of " + members + " processes";
                    }
                }
                if (notYet == null) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("after " + timeout + " " + notYet + "; see " + logs);
                }
                Thread.sleep(500);
            }
        }
    }

    /** A Streams client id is {@code <application id>-<process uuid>-StreamThread-<n>-consumer}: its process part. */
    private static String processOf(String clientId) {
        int thread = clientId.indexOf("-StreamThread-");
        return thread < 0 ? clientId : clientId.substring(0, thread);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
