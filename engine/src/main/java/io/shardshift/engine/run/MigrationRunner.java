package io.shardshift.engine.run;

import io.shardshift.cdc.CaptureGroupSplit;
import io.shardshift.cdc.CaptureGroups;
import io.shardshift.cdc.CaptureOptions;
import io.shardshift.cdc.ChangeCapture;
import io.shardshift.cdc.ReplicationSetup;
import io.shardshift.cdc.ReplicationSlot;
import io.shardshift.cdc.SourceIdentity;
import io.shardshift.cdc.SourcePreflight;
import io.shardshift.cdc.TableProgress;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.EffectiveConfig;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.engine.lag.LagMonitor;
import io.shardshift.engine.rate.RateGuard;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.ApplyStreams;
import io.shardshift.engine.topology.KafkaDeadLetterPublisher;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.engine.topology.TargetOutages;
import io.shardshift.sink.pg.PgProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a migration: checks the spec against the live systems, provisions the targets, creates the
 * publication and slot, then runs capture (Debezium to the change topics), apply (the Kafka Streams
 * topology to the targets, one Kafka Streams application per {@link io.shardshift.engine.topology.ApplyGroup},
 * waiting out a target's outage up to {@code apply.outageGiveUp}) and the backfill (chunked parallel copy) side by side until closed.
 *
 * <p>A search-only spec (no PostgreSQL targets, no layout) runs the same parts; apply and backfill then
 * write to the search targets alone.
 *
 * <p>Order matters for "no gap": the slot exists before the backfill reads, so every change after the
 * slot's consistent point is in the stream, and every row before it is in the snapshot reads.
 */
public final class MigrationRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    /** How often the source's catalog is checked for type and partition changes that no row change shows. */
    private static final Duration SCHEMA_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** How often the source address is checked for a failover (another timeline or cluster). */
    private static final Duration SOURCE_CHECK_INTERVAL = Duration.ofSeconds(2);

    /** How long start waits for this process's first capture group leases before it goes on without them. */
    private static final Duration FIRST_LEASE_WAIT = Duration.ofSeconds(30);

    /** How long a process waits for another process's set-up of the same migration. */
    private static final Duration SETUP_WAIT = Duration.ofMinutes(10);

    private final MigrationSpec spec;
    private final RunOptions options;
    private final List<TableSchema> tables;
    private final List<ReplicationSlot> slots;
    private final CaptureGroupSplit split;
    private final SearchTargets search;
    private final ApplyMetrics metrics = new ApplyMetrics();
    private final TablePauses pauses;
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final AtomicReference<SourceFailover> failover = new AtomicReference<>();
    private CaptureGroups capture;
    private CaptureLeases leases;
    private KafkaDeadLetterPublisher deadLetters;
    private final TargetOutages outages;
    private List<ApplyStreams> apply = List.of();
    private Backfill backfill;
    private LagMonitor lag;
    private RateGuard rateGuard;
    private SchemaWatch watch;
    private SourceIdentityWatch sourceWatch;
    private Peers peers;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private MigrationRunner(MigrationSpec spec, List<TableSchema> tables, CaptureGroupSplit split,
                            List<ReplicationSlot> slots, SearchTargets search, RunOptions options) {
        this.spec = spec;
        this.options = options;
        this.tables = tables;
        this.split = split;
        this.slots = List.copyOf(slots);
        this.search = search;
        this.pauses = new TablePauses(tables);
        this.outages = TargetOutages.giveUpAfter(spec.applyOrDefaults().outageGiveUpOrDefault());
        this.pauses.follow(new SourceDdlFollower(spec, pauses));
    }

    /**
     * Checks, provisions and starts everything. A bad spec or an unreachable or unsuitable system fails
     * here, before anything is written, with a {@link SpecException} naming the field or table.
     *
     * @param stateDir where Kafka Streams keeps its local state
     */
    public static MigrationRunner start(MigrationSpec spec, Path stateDir) {
        return start(spec, stateDir, Set.of());
    }

    /**
     * As {@link #start(MigrationSpec, Path)}, copying the given tables again even if an earlier run
     * copied them (an on-demand re-backfill: safe while the stream is applied, since snapshot rows only
     * fill keys that hold nothing and deletes leave tombstones).
     *
     * @throws SpecException naming a table that is not in the spec
     */
    public static MigrationRunner start(MigrationSpec spec, Path stateDir, Set<TableId> rebackfill) {
        return start(spec, stateDir, RunOptions.all().withRebackfill(rebackfill));
    }

    /**
     * Checks, provisions and starts the parts of the migration this process runs ({@link RunOptions#roles()}).
     * Several processes started with the same spec form one migration: their set-up runs one after the other
     * (a {@link SetupLock} on the source), so the second finds the targets, topics, publication and slot in place.
     *
     * @throws SpecException naming a table in {@code options.rebackfill()} that is not in the spec, or what the
     *                       checks found
     */
    public static MigrationRunner start(MigrationSpec spec, Path stateDir, RunOptions options) {
        Set<TableId> rebackfill = options.rebackfill();
        rebackfill.stream().filter(t -> !spec.tableIds().contains(t)).findFirst().ifPresent(t -> {
            throw new SpecException("--rebackfill", "table " + t + " is not in the spec's tables " + spec.tableIds());
        });
        if (!rebackfill.isEmpty() && !options.runs(Role.BACKFILL)) {
            throw new SpecException("--rebackfill", "this process does not run the backfill (--role "
                    + options.rolesFlag() + "): give --rebackfill to a process with the backfill role");
        }
        LOG.info("starting migration {} as instance {} (roles {}): {} tables, targets {}, layout {}, search targets {}",
                spec.name(), options.instanceId(), options.rolesFlag(),
                spec.tableIds(), spec.targets().stream().map(t -> t.name()).toList(),
                spec.hasLayout() ? spec.routing() : "none (search only)",
                spec.searchTargets().stream().map(s -> s.name()).toList());
        LOG.info("effective configuration of migration {} (secrets masked):\n{}", spec.name(),
                EffectiveConfig.render(spec, System.getenv()));
        MigrationRunner runner;
        Optional<SourceFailover> failover;
        try (SetupLock lock = SetupLock.acquire(spec, SETUP_WAIT)) {
            List<TableSchema> tables = SourcePreflight.check(spec);
            Map<TableId, io.shardshift.core.schema.Partitioning> partitioned = TargetPartitionings.check(spec, tables);
            SourceDdlFollower.catchUp(spec, tables);
            spec.targets().forEach(t -> PgProvisioner.provision(t, tables, partitioned));
            SearchTargets search = SearchTargets.of(spec, tables);
            search.provision();
            createTopic(spec, spec.topicPrefix() + ".state", 1, true);
            createTopic(spec, CaptureLeases.topic(spec), spec.captureGroups(), false);
            createTopic(spec, Backfill.chunkTopic(spec), Backfill.chunkPartitions(spec), false);
            ChangeCapture.createTopics(spec, tables);
            SourceIdentity startedOn = readIdentity(spec);
            failover = SourceFailoverCheck.run(spec, tables,
                    new StateTopic(spec.kafka().bootstrapServers(), spec.topicPrefix() + ".state"));
            CaptureGroupSplit split = CaptureGroupPlan.load(spec,
                    new StateTopic(spec.kafka().bootstrapServers(), spec.topicPrefix() + ".state"));
            List<ReplicationSlot> slots;
            try {
                slots = ReplicationSetup.ensureAll(spec, split);
            } catch (SQLException e) {
                throw new SpecException("source.jdbcUrl", "cannot create publication and slot: " + e.getMessage(), e);
            }
            slots.forEach(slot -> LOG.info("slot {} {} at {}", slot.slotName(), slot.created() ? "created" : "exists",
                    Lsn.format(slot.consistentPointLsn())));
            runner = new MigrationRunner(spec, tables, split, slots, search, options);
            runner.sourceWatch = new SourceIdentityWatch(spec, startedOn, runner::fail);
        }
        runner.failover.set(failover.orElse(null));
        try {
            runner.startParts(stateDir, rebackfill);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    private void startParts(Path stateDir, Set<TableId> rebackfill) {
        peers = Peers.start(spec, options, pauses, () -> apply, metrics);
        if (options.runs(Role.CAPTURE)) {
            capture = CaptureGroups.idle(spec, split, tables, CaptureOptions.defaults().withOnFailure(this::fail));
            leases = CaptureLeases.start(spec, capture, options.instanceId(), this::fail);
            try {
                if (!leases.awaitFirstAssignment(FIRST_LEASE_WAIT)) {
                    LOG.warn("migration {}: no capture group lease assignment within {}; capture starts when Kafka"
                            + " assigns them", spec.name(), FIRST_LEASE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the capture group leases", e);
            }
        }
        deadLetters = KafkaDeadLetterPublisher.create(spec.kafka().bootstrapServers(), spec.deadLetterTopic(), Map.of());
        if (options.runs(Role.APPLY)) {
            apply = ApplyStreams.startAll(spec, stateDir, new TargetSinks(spec, pauses, search), deadLetters, metrics,
                    pauses, outages, this::fail);
        }
        lag = capture != null ? new LagMonitor(spec, capture, metrics) : LagMonitor.withoutCapture(spec, metrics);
        rateGuard = RateGuard.start(spec, metrics, new RateGuard.StreamProbe() {
            @Override
            public long eventsWaiting() throws Exception {
                return lag.snapshot().kafkaLagTotal();
            }

            @Override
            public long emitMarker() throws Exception {
                return lag.watermark().emitMarker("rate-guard");
            }

            @Override
            public long capturedLsn() {
                return lag.watermark().capturedLsn();
            }

            @Override
            public long sharedApplyLagMillis() throws InterruptedException {
                return peers.applyShared() ? peers.oldestWaitingMillis() : -1;
            }
        }, outages,
                () -> backfill != null && options.runs(Role.BACKFILL) && !backfill.finished());
        backfill = new Backfill(spec, tables,
                new BackfillLedger(spec.kafka().bootstrapServers(), spec.topicPrefix() + ".state").follow(),
                search, deadLetters, rateGuard.pacer(), rateGuard, options.runs(Role.BACKFILL), options.instanceId());
        backfill.start(rebackfill);
        if (peers.registry() != null) {
            peers.registry().hold(InstanceInfo.BACKFILL_CHUNKS, backfill::copying);
            if (capture != null) {
                peers.registry().hold(InstanceInfo.CAPTURE_GROUPS, () -> capture.groups().stream()
                        .map(c -> c.group() + " (" + c.slotName() + ")").toList());
            }
        }
        watch = new SchemaWatch(spec, pauses, stateDir, backfill::copyOne);
        watch.start(SCHEMA_CHECK_INTERVAL);
        sourceWatch.start(SOURCE_CHECK_INTERVAL);
    }

    private static SourceIdentity readIdentity(MigrationSpec spec) {
        try {
            return SourceIdentity.read(spec);
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "cannot read the source's identity: " + e.getMessage(), e);
        }
    }


    private void fail(Throwable error) {
        fatal.compareAndSet(null, error);
    }

    static void createTopic(MigrationSpec spec, String name, int partitions, boolean compacted) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            NewTopic topic = new NewTopic(name, partitions, spec.replicationFactor());
            if (compacted) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new SpecException("kafka.bootstrapServers", "cannot create topic " + name + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SpecException("kafka.bootstrapServers", "Kafka did not answer within 30 s while creating " + name, e);
        }
    }

    /** The first error of capture, apply or backfill, if any part failed. */
    public Optional<Throwable> failure() {
        if (fatal.get() != null) {
            return Optional.of(fatal.get());
        }
        return backfill == null ? Optional.empty() : backfill.failure();
    }

    /**
     * Waits for the backfill of every table, by whichever processes copy it; false on timeout. Throws if a
     * part failed.
     */
    public boolean awaitBackfill(Duration timeout) throws InterruptedException {
        boolean done = backfill.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        failure().ifPresent(e -> {
            throw new IllegalStateException("migration " + spec.name() + " failed: " + e.getMessage(), e);
        });
        return done;
    }

    /** Whether every table is recorded as copied, by any process of the migration (or the backfill failed). */
    public boolean backfillFinished() {
        return backfill.finished();
    }

    /** This process's roles and instance id. */
    public RunOptions options() {
        return options;
    }

    /**
     * Backfill progress of every planned table, global: the chunks every process of the migration copied, read
     * from the state topic (so a process that does not copy reports it too).
     */
    public Map<TableId, TableProgress> backfillProgress() {
        return backfill.progress();
    }

    /** The chunks each instance copied, per planned table (instance name to chunks). */
    public Map<TableId, Map<String, Integer>> backfillChunksByInstance() {
        Map<TableId, Map<String, Integer>> out = new java.util.LinkedHashMap<>();
        backfill.chunkProgress().forEach((id, p) -> out.put(id, p.chunksByInstance()));
        return out;
    }

    public MigrationSpec spec() {
        return spec;
    }

    /** The source tables' definitions, as checked at start. */
    public List<TableSchema> tables() {
        return tables;
    }

    /** The search targets (Solr collections) of this migration. */
    public SearchTargets search() {
        return search;
    }

    /** Capture group 0's slot (the only one of a one-group migration). */
    public ReplicationSlot slot() {
        return slots.get(0);
    }

    /** Every capture group's slot, group 0 first. */
    public List<ReplicationSlot> slots() {
        return slots;
    }

    /**
     * The lowest consistent point of the capture groups' slots: every change committed after it is in the
     * stream of its table's group.
     */
    public long consistentPointLsn() {
        return slots.stream().mapToLong(ReplicationSlot::consistentPointLsn).min().orElse(0L);
    }

    /** Which capture group captures each table. */
    public CaptureGroupSplit captureSplit() {
        return split;
    }

    /** Change capture: the engines of the capture groups this process holds; null when it runs no capture. */
    public CaptureGroups capture() {
        return capture;
    }

    /**
     * The capture groups leased to this process that do not run yet, with why (their slot is still streamed by a
     * previous holder); empty when none waits.
     */
    public Map<Integer, String> captureGroupsWaiting() {
        return leases == null ? Map.of() : leases.waiting();
    }

    public ApplyMetrics metrics() {
        return metrics;
    }

    public LagMonitor lag() {
        return lag;
    }

    /** The backfill's rate guard: its rate, limiting signal and recent decisions. */
    public RateGuardStatus rateGuard() {
        return rateGuard == null ? null : rateGuard.status();
    }

    /**
     * The migrator processes of this migration (this one included) with their roles and what each holds; add
     * what this process holds with {@link InstanceRegistry#hold}, its HTTP address with
     * {@link InstanceRegistry#advertiseHttp}.
     */
    public InstanceRegistry instances() {
        return peers == null ? null : peers.registry();
    }

    /**
     * Whether the apply runs, wholly or in part, in other processes of the migration: this process runs none, or
     * another instance holds apply partitions. This process's own apply figures then cover only its partitions.
     */
    public boolean applyShared() {
        return peers == null || peers.applyShared();
    }

    /**
     * How long the oldest change that no process of the migration has applied yet has waited on the change topics,
     * in milliseconds (see {@link io.shardshift.engine.lag.OldestWaiting}); 0 when none waits.
     */
    public long oldestWaitingMillis() throws InterruptedException {
        return peers == null ? 0 : peers.oldestWaitingMillis();
    }

    /** The targets apply is waiting for (down, unreachable), and the policy it waits by. */
    public TargetOutages outages() {
        return outages;
    }

    /** The tables whose changes are held because their source schema changed; empty when none is. */
    public List<TablePauses.Pause> pausedTables() {
        return pauses.paused();
    }

    /**
     * Checks the source's catalog for type and partition changes now (as the cutover gates do), then returns
     * why each table that cannot cut over is held back, here or in another process of the migration (as its
     * heartbeat tells); empty when none is.
     */
    public List<String> tablesHeldBack() {
        List<String> out = new java.util.ArrayList<>();
        if (watch != null) {
            try {
                watch.check();
            } catch (java.sql.SQLException | RuntimeException e) {
                out.add("the source's tables could not be checked for DDL: " + e.getMessage());
            }
        }
        pauses.paused().forEach(p -> out.add(p.describe()));
        if (peers != null) {
            out.addAll(peers.pausedElsewhere());
        }
        SourceFailover f = failover.get();
        if (f != null && f.needsConvergence()) {
            out.add("after a source failover (" + f.kind() + ") the targets are not yet converged to the new primary ("
                    + f.state() + (f.result().isEmpty() ? "" : ": " + f.result()) + ")");
        }
        return out;
    }

    /**
     * Resumes a table paused by a schema change, once every PostgreSQL target has the columns the source's
     * changes now carry (the operator applied the same DDL there). Its parked changes are then applied in order.
     * Other processes of the migration that hold it paused (as their heartbeats tell) are asked to resume it too,
     * through the instances topic; each checks the targets itself.
     *
     * @return what was done, for the operator
     * @throws IllegalStateException naming the table and target when it is not paused or a target differs
     */
    public String resumeTable(TableId table) {
        return peers == null ? TableResume.resume(spec, pauses, table) : peers.resume(table);
    }

    /**
     * The source failover found at start (or left unconverged by an earlier run), with the state of the targets'
     * convergence; empty when the source is the cluster and timeline the migration ran on before.
     */
    /**
     * Whether this run stopped because the source failed over while it ran (a promoted standby behind the source
     * address): a new run of the same spec resumes on the new primary.
     */
    public boolean stoppedBySourceFailover() {
        return fatal.get() instanceof SourceIdentityWatch.SourceFailoverDetected;
    }

    public Optional<SourceFailover> sourceFailover() {
        return Optional.ofNullable(failover.get());
    }

    /**
     * Records the end of the targets' convergence after a source failover ({@link SourceFailover#CONVERGED} or
     * {@link SourceFailover#CONVERGE_FAILED}, which the next start runs again) in the status and the state topic.
     */
    public void sourceFailoverConverged(String state, String result) {
        SourceFailover now = failover.updateAndGet(f -> f == null ? null : f.withState(state, result));
        if (now != null) {
            SourceFailoverCheck.record(new StateTopic(spec.kafka().bootstrapServers(), spec.topicPrefix() + ".state"), now);
        }
    }

    /** Dead-letter records published in this run. */
    public long deadLetters() {
        return deadLetters == null ? 0 : deadLetters.published();
    }

    /**
     * Stops the parts in the order their clients depend on each other: the backfill's rate guard, the lag
     * monitor, the backfill (an
     * unfinished table is copied again by the next run), the capture group leases (leaving the lease group
     * stops this process's capture engines, each storing its position and closing its producer and offsets
     * admin, so another process with the capture role takes the groups over), apply (which writes its buffers and
     * commits; a wait for a target that is down ends at once, and its batch is read again by the next run), the
     * instance heartbeat (its tombstone tells the other processes this one is gone), and last the dead-letter
     * producer that backfill and apply write to. Nothing is left connecting to Kafka afterwards.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (rateGuard != null) {
            rateGuard.close();
        }
        if (lag != null) {
            lag.close();
        }
        if (watch != null) {
            watch.close();
        }
        if (sourceWatch != null) {
            sourceWatch.close();
        }
        if (backfill != null) {
            backfill.stop(Duration.ofSeconds(30));
        }
        if (leases != null) {
            leases.close();
        }
        if (capture != null) {
            capture.close();
        }
        outages.stop();
        apply.forEach(a -> a.close(Duration.ofSeconds(30)));
        if (peers != null) {
            peers.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        LOG.info("migration {} stopped", spec.name());
    }
}
