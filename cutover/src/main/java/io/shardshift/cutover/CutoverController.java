package io.shardshift.cutover;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.internal.AutoCutover;
import io.shardshift.cutover.internal.GateRunner;
import io.shardshift.cutover.internal.ObservationWindow;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.engine.run.MigrationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import static io.shardshift.cutover.LayoutSwitch.aborted;
import static io.shardshift.cutover.LayoutSwitch.details;

/**
 * Switches applications from the old layout to the new one, and back. (Slightly over 300 lines: it owns the
 * controller's state, its gates and the window; the pause itself is {@link LayoutSwitch}, reconciling is
 * {@code Reconciler}.)
 *
 * <p>Cutover: wait for the gates (apply lag under its bound for a stable period, no dead letters, the
 * extra gates); freeze writes; record the fence LSN under the source lock; drain the targets to it; commit the
 * source's reject trigger and observation record (the point of no return), then flip {@code routing.generation},
 * swap the search alias and unfreeze ({@link LayoutSwitch}). A controller that starts reconciles the source, the
 * targets, the config topic and the alias first ({@link Reconciler}). Every step goes to the audit trail. One
 * controller per migration; cutovers and rollbacks run one at a time.
 *
 * <p>After a cutover the observation window starts: a {@link ReverseReplicator} copies the application's
 * writes to the new layout back to the source every 200 ms, so a rollback only copies the remainder under
 * its freeze. Later rollbacks are refused once the window's time is over; the window closes (the target
 * triggers dropped, the audit trail records {@code observation-ended}) only once every logged write is on the
 * source, and otherwise stays open, saying why ({@link ObservationStatus#problem()}, {@code
 * observation-end-refused}). The window is recorded on the source, so a controller started again (after a
 * restart) resumes it.
 *
 * <p>In a tenant-scoped migration ({@link MigrationSpec#tenantScoped()}) only the listed tenants move: the
 * published layout routes them to their targets and every other key to the source, and the source rejects
 * only writes of the listed tenants.
 */
public final class CutoverController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CutoverController.class);
    private static final String ACTOR = "cutover";

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final Drainer drainer;
    private final LongSupplier lagMillis;
    private final ConfigPublisher publisher;
    private final ConfigFollower follower;
    private final AuditTrail audit;
    private final CutoverOptions options;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private volatile ShadowAgreement shadowAgreement;
    private final ReentrantLock switching = new ReentrantLock();
    private volatile long live;
    private volatile long previous;
    private volatile CutoverResult last;
    private final ObservationWindow observation;
    private volatile AutoCutover auto;
    private final LayoutSwitch layoutSwitch;

    /**
     * The observation window after a cutover, for the status API.
     *
     * @param active     true while writes to the new layout are copied back to the old one
     * @param windowEnd  when the window ends (or ended); null when no cutover opened one
     * @param reverseLag writes logged on the targets and not yet copied to the source (-1 if unreadable)
     * @param problem    why copying or closing the window is held up (reverse replication reconnecting, a window
     *                   past its end that cannot close because logged writes are not all on the source), or null
     */
    public record ObservationStatus(boolean active, Instant windowEnd, long reverseLag, String problem) {
    }

    /** Waits until every change committed before an LSN is applied to every target. */
    @FunctionalInterface
    public interface Drainer {
        void awaitApplied(long lsn, Duration timeout) throws Exception;
    }

    /**
     * @param lagMillis the apply lag now, in milliseconds
     * @param follower  a follower of the same config topic, used to read the live generation at start
     */
    public CutoverController(MigrationSpec spec, List<TableSchema> tables, Drainer drainer, LongSupplier lagMillis, ConfigPublisher publisher,
                             ConfigFollower follower, AuditTrail audit, CutoverOptions options) throws InterruptedException {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.drainer = drainer;
        this.lagMillis = lagMillis;
        this.publisher = publisher;
        this.follower = follower;
        this.audit = audit;
        this.options = options;
        this.observation = new ObservationWindow(spec, tables, switching, new ObservationWindow.Listener() {
            @Override
            public void ended(long generation, Instant end, Map<String, Long> copied) {
                audit.append(ACTOR, "observation-ended", details("observation-" + generation, "generation", generation,
                        "windowEnd", end.toString(), "copied", copied.toString()));
            }

            @Override
            public void refused(long generation, Instant end, String reason) {
                audit.append(ACTOR, "observation-end-refused", details("observation-" + generation, "generation",
                        generation, "windowEnd", end.toString(), "reason", reason));
            }
        });
        this.layoutSwitch = new LayoutSwitch(spec, tables, drainer, publisher, audit, options, observation);
        initialize();
    }

    /**
     * A controller for a running migration: its drain watermark, lag and dead letters, the config topic
     * {@code <prefix>.config} (created if missing). The no-dead-letters gate (counting the dead-letter topic's
     * records, so letters published before a restart count) comes first, then {@code options.gates()}. A
     * {@link SearchAliasSwap} keeps the collections its aliases pointed to before the cutover on the config topic
     * ({@link ConfigTopicCollections}, and the audit trail), so a rollback after a restart swaps them back.
     */
    public static CutoverController forRunner(MigrationRunner runner, AuditTrail audit, CutoverOptions options)
            throws InterruptedException {
        MigrationSpec spec = runner.spec();
        String topic = ConfigKeys.topic(spec.topicPrefix());
        ConfigPublisher publisher = ConfigPublisher.create(spec.kafka().bootstrapServers(), topic,
                spec.replicationFactor(), options.publishTimeout());
        ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(), topic, Map.of(),
                e -> LOG.warn("config topic: {}", e));
        List<Gate> gates = new ArrayList<>();
        DeadLetterCount onTopic = DeadLetterCount.of(spec.kafka().bootstrapServers(), spec.deadLetterTopic(),
                options.publishTimeout());
        gates.add(RunnerSignals.noDeadLetters(runner, onTopic));
        gates.add(Gates.noPausedTables(runner::tablesHeldBack));
        gates.addAll(options.gates());
        CutoverOptions.AliasSwap aliasSwap = options.aliasSwap() instanceof SearchAliasSwap search
                ? search.rememberingIn(ConfigTopicCollections.of(publisher, follower, audit)) : options.aliasSwap();
        CutoverController c = new CutoverController(spec, runner.tables(), runner.lag().watermark()::awaitApplied,
                () -> RunnerSignals.lagMillis(runner), publisher, follower, audit,
                options.withGates(gates).withAliasSwap(aliasSwap));
        c.owned.add(onTopic);
        c.owned.add(follower);
        c.owned.add(publisher);
        return c;
    }

    private void initialize() throws InterruptedException {
        for (TargetSpec t : spec.targets()) {
            try {
                ReverseLog.prepare(t, tables);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the reverse log on target " + t.name() + ": " + e.getMessage(), e);
            }
        }
        if (!follower.awaitCaughtUp(options.publishTimeout())) {
            throw new IllegalStateException("cannot read config topic " + publisher.topic() + " within "
                    + options.publishTimeout());
        }
        Layout target = spec.routing();
        long old = target.generation() - 1;
        publisher.publishLayout(ConfigPublisher.sourceLayout(old, target.shardKey()));
        publisher.publishLayout(ConfigPublisher.newLayout(spec));
        live = follower.currentGeneration();
        previous = follower.value(ConfigKeys.ROUTING_GENERATION).map(v -> v.path("previous").asLong(old)).orElse(old);
        if (live == 0) {
            live = old;
            publisher.publishGeneration(old, old, "initial: the source is live");
        }
        if (follower.value(ConfigKeys.WRITES_FROZEN).isEmpty()) {
            publisher.publishFreeze(false, "initial");
        }
        long reconciled = Reconciler.atStart(new LiveSwitchState(spec, tables, follower, publisher, options, audit), old,
                target.generation(), live);
        previous = reconciled == live ? previous : live;
        live = reconciled;
        observation.resume(live);
    }

    /** Runs a cutover to the spec's layout. */
    public CutoverResult cutover() {
        switching.lock();
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "cutover")) {
            return runCutover();
        } finally {
            switching.unlock();
        }
    }

    private CutoverResult runCutover() {
        long from = live;
        long to = spec.routing().generation();
        String id = "cutover-" + System.currentTimeMillis();
        if (from == to) {
            return finish(aborted(id, SwitchKind.CUTOVER, from, to, 0, 0, SwitchStep.PRECHECK,
                    "generation " + to + " is already live", List.of()));
        }
        audit.append(ACTOR, "start", details(id, "from", from, "to", to));
        GateRunner gates = new GateRunner(lagMillis, options.maxLagMillis(), options.stableFor(), options.gates());
        try {
            if (!gates.await(options.gateTimeout())) {
                LOG.warn("{}: gates did not pass within {}: {}", id, options.gateTimeout(), gates.lastResults());
                audit.append(ACTOR, "abort", details(id, "step", SwitchStep.GATES.wireName(), "reason",
                        gates.firstFailure()));
                return finish(aborted(id, SwitchKind.CUTOVER, from, to, 0, 0, SwitchStep.GATES, gates.firstFailure(),
                        gates.lastResults()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(aborted(id, SwitchKind.CUTOVER, from, to, 0, 0, SwitchStep.GATES, "interrupted",
                    gates.lastResults()));
        }
        audit.append(ACTOR, "gates-passed", details(id, "gates", gates.lastResults().toString()));
        StepHook.after(SwitchKind.CUTOVER, SwitchStep.GATES.wireName());
        return finish(layoutSwitch.cutover(id, from, to, gates.lastResults(), this::nowLive));
    }

    /**
     * Makes the previous generation live again (the old tables accept writes again). Refused (aborted at
     * step {@code precheck}) once the observation window has ended.
     */
    public CutoverResult rollback(String reason) {
        switching.lock();
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "rollback")) {
            long from = live;
            long to = previous;
            String id = "rollback-" + System.currentTimeMillis();
            if (from == to) {
                return finish(aborted(id, SwitchKind.ROLLBACK, from, to, 0, 0, SwitchStep.PRECHECK,
                        "nothing to roll back: generation " + from + " is live", List.of()));
            }
            Optional<String> refused = observation.refusal();
            if (refused.isPresent()) {
                return finish(aborted(id, SwitchKind.ROLLBACK, from, to, 0, 0, SwitchStep.PRECHECK,
                        refused.get() + "; generation " + from + " stays live", List.of()));
            }
            audit.append(ACTOR, "start", details(id, "from", from, "to", to, "reason", reason == null ? "" : reason));
            observation.pause();
            CutoverResult r = layoutSwitch.rollback(id, from, to, this::nowLive);
            if (!r.completed()) {
                observation.resumeAfterAbort();
            }
            return finish(r);
        } finally {
            switching.unlock();
        }
    }

    /** Told by the layout switch once generation {@code to} is live. */
    private void nowLive(long from, long to) {
        live = to;
        previous = from;
    }

    private CutoverResult finish(CutoverResult r) {
        last = r;
        return r;
    }

    /**
     * Cuts over by itself, in a thread this controller owns: once {@code backfillFinished} holds, runs
     * {@link #cutover()} (which waits for the gates) and retries after an abort (after 5 s, doubling up to 5 min, each
     * attempt in the audit trail as {@code auto-attempt}), until a cutover completed
     * once or the new generation is live. Idempotent.
     */
    public synchronized CutoverController startAutoCutover(BooleanSupplier backfillFinished) {
        if (auto == null && observation.cutOverBefore()) {
            LOG.info("auto cutover of {}: the source records an earlier cutover of this migration; an operator decides"
                    + " from here (POST /v1/cutover)", spec.name());
            return this;
        }
        if (auto == null) {
            auto = new AutoCutover(spec.name(), backfillFinished, this::cutover, this::liveGeneration,
                    spec.routing().generation(), Duration.ofSeconds(5), Duration.ofMinutes(5), (n, r, next) ->
                    audit.append(ACTOR, "auto-attempt", details(r.id(), "attempt", n, "outcome", r.outcome().name(),
                            "step", String.valueOf(r.failedStep()), "nextInSeconds", next.toSeconds()))).start();
        }
        return this;
    }

    /** True while the automatic cutover thread is still waiting or trying. */
    public boolean autoCutoverRunning() {
        AutoCutover a = auto;
        return a != null && a.running();
    }

    /** The generation live now. */
    public long liveGeneration() {
        return live;
    }

    /** The last cutover or rollback, if any ran. */
    public Optional<CutoverResult> lastResult() {
        return Optional.ofNullable(last);
    }

    /** The observation window: whether writes are still copied back, until when, and how many wait. */
    public ObservationStatus observation() {
        return new ObservationStatus(observation.active(), observation.end(), observation.reverseLag(),
                observation.problem());
    }

    /** Adds something closed with this controller (after the automatic cutover and the replicator). */
    /** The agreement of the shadow reads on {@code <prefix>.shadow}, once {@link CutoverService} attached it. */
    public Optional<ShadowAgreement> shadowAgreement() {
        return Optional.ofNullable(shadowAgreement);
    }

    void shadowAgreement(ShadowAgreement agreement) {
        this.shadowAgreement = agreement;
    }

    void own(AutoCloseable resource) {
        owned.add(resource);
    }

    @Override
    public void close() {
        AutoCutover a = auto;
        if (a != null) {
            a.close();
        }
        observation.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c, e.getMessage());
            }
        }
    }
}
