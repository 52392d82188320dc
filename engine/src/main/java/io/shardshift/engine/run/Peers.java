package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.lag.OldestWaiting;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.ApplyStreams;
import io.shardshift.engine.topology.TablePauses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * This process among the migrator processes of one migration: it publishes its {@linkplain InstanceRegistry
 * heartbeat} (roles, apply partitions, tasks and static members, tables it holds paused), takes a lost apply
 * process's partitions over at once (removing its static group members), resumes a paused table another process
 * asks it to, and answers what a single process cannot know alone: whether the apply is shared, how old the oldest
 * change no process has applied is, and which tables other processes hold paused.
 */
final class Peers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
    /** The instance command that asks the migration's other processes to resume a paused table. */
    private static final String RESUME_COMMAND = "resume";

    private final MigrationSpec spec;
    private final RunOptions options;
    private final TablePauses pauses;
    private final InstanceRegistry registry;
    private OldestWaiting oldestWaiting;

    private Peers(MigrationSpec spec, RunOptions options, TablePauses pauses, InstanceRegistry registry) {
        this.spec = spec;
        this.options = options;
        this.pauses = pauses;
        this.registry = registry;
    }

    /**
     * Starts the heartbeat; {@code apply} gives this process's apply clients (none before they start), {@code metrics}
     * what they applied.
     */
    static Peers start(MigrationSpec spec, RunOptions options, TablePauses pauses, Supplier<List<ApplyStreams>> apply,
                       ApplyMetrics metrics) {
        InstanceRegistry registry = InstanceRegistry.start(spec, options.instanceId(),
                options.roles().stream().sorted().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
        Peers peers = new Peers(spec, options, pauses, registry);
        registry.hold(InstanceInfo.APPLY_PARTITIONS, () -> apply.get().stream().flatMap(a -> a.heldPartitions().stream()).toList());
        registry.hold(InstanceInfo.APPLY_TASKS, () -> apply.get().stream().flatMap(a -> a.heldTasks().stream()).toList());
        registry.hold(InstanceInfo.APPLY_MEMBERS, () -> apply.get().stream().flatMap(a -> a.member().stream()).toList());
        registry.figure(InstanceInfo.EVENTS_APPLIED, () -> metrics.snapshot().values().stream()
                .mapToLong(ApplyMetrics.TargetStats::eventsApplied).sum());
        registry.hold(InstanceInfo.PAUSED_TABLES, () -> pauses.paused().stream().map(TablePauses.Pause::describe).toList());
        if (options.runs(Role.APPLY)) {
            registry.onLost(peers::takeOverApply);
        }
        registry.onCommand(RESUME_COMMAND, peers::resumeAsked);
        return peers;
    }

    InstanceRegistry registry() {
        return registry;
    }

    /** Whether the apply runs, wholly or in part, in other processes: this one runs none, or another holds partitions. */
    boolean applyShared() {
        return !options.runs(Role.APPLY) || others().anyMatch(i -> i.holding(InstanceInfo.APPLY_PARTITIONS) > 0);
    }

    /** How long the oldest change no process has applied has waited, in milliseconds; 0 when none waits. */
    synchronized long oldestWaitingMillis() throws InterruptedException {
        if (oldestWaiting == null) {
            oldestWaiting = new OldestWaiting(spec);
        }
        return oldestWaiting.ageMillis(System.currentTimeMillis());
    }

    /** The tables other processes hold paused, each naming the process. */
    List<String> pausedElsewhere() {
        return others().flatMap(i -> i.holds().getOrDefault(InstanceInfo.PAUSED_TABLES, List.of()).stream()
                .map(p -> p + " (on instance " + i.id() + (i.http() == null ? "" : " " + i.http()) + "; resume it there)"))
                .toList();
    }

    /**
     * Resumes a paused table here if it is paused here, and asks the other processes that hold it paused to resume
     * it too.
     *
     * @throws IllegalStateException as {@link TableResume#resume} when it is paused here and cannot be resumed, or
     *                               is paused nowhere
     */
    String resume(TableId table) {
        List<String> elsewhere = others().filter(i -> i.holds().getOrDefault(InstanceInfo.PAUSED_TABLES, List.of()).stream()
                .anyMatch(p -> p.startsWith(table + " paused"))).map(InstanceInfo::id).toList();
        if (elsewhere.isEmpty()) {
            return TableResume.resume(spec, pauses, table);
        }
        String here = pauses.isPaused(table) ? TableResume.resume(spec, pauses, table) + "; " : "table " + table
                + " is not paused here; ";
        registry.publishCommand(RESUME_COMMAND, table.toString());
        return here + "instances " + elsewhere + " hold it paused and were asked to resume it (each checks the targets"
                + " first; see their status)";
    }

    private Stream<InstanceInfo> others() {
        return registry.instances().stream().filter(i -> !i.id().equals(options.instanceId()));
    }

    /** Gives a lost instance's apply partitions to the live members now (see {@link ApplyStreams#removeMembers}). */
    private void takeOverApply(InstanceInfo lost) {
        List<String> members = lost.holds().getOrDefault(InstanceInfo.APPLY_MEMBERS, List.of());
        if (members.isEmpty()) {
            return;
        }
        try {
            ApplyStreams.removeMembers(spec.kafka().bootstrapServers(), members);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cannot remove the apply members {} of lost instance {}; its partitions move after the group's"
                    + " session timeout: {}", members, lost.id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Resumes a table another instance was asked to resume, if this process holds it paused. */
    private void resumeAsked(String table) {
        TableId id = TableId.parse(table);
        if (pauses.isPaused(id)) {
            LOG.info("{} (asked by another instance)", TableResume.resume(spec, pauses, id));
        }
    }

    /** Publishes this process's tombstone and closes its clients. */
    @Override
    public synchronized void close() {
        registry.close();
        if (oldestWaiting != null) {
            oldestWaiting.close();
        }
    }
}
