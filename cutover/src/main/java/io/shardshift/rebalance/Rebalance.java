package io.shardshift.rebalance;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.engine.metrics.InstanceJson;
import io.shardshift.engine.metrics.LagSampler;
import io.shardshift.engine.metrics.RecentLatency;
import io.shardshift.engine.metrics.RunnerSamples;
import io.shardshift.engine.run.MigrationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One rebalance of the registry: its id, kind and object (the tenant, the collection, or the migration),
 * its derived spec, and once started its {@link MigrationRunner}, cutover ({@link Switchover}) and a lag
 * sampler for the status. Phases: see {@link RebalancePhase}.
 */
public final class Rebalance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalance.class);

    private final String id;
    private final RebalanceKind kind;
    private final String object;
    private final MigrationSpec spec;
    private final Map<String, Object> summary;
    private final long startedAtMillis = System.currentTimeMillis();
    private final boolean owned;
    private final Consumer<CutoverResult> onResult;
    private volatile MigrationRunner runner;
    private volatile Switchover switchover;
    private volatile LagSampler sampler;
    private volatile RunnerSamples samples;
    private volatile Throwable startFailure;
    private volatile StreamExpansion stream;

    private Rebalance(String id, RebalanceKind kind, String object, MigrationSpec spec, Map<String, Object> summary,
                      boolean owned, Consumer<CutoverResult> onResult) {
        this.id = id;
        this.kind = kind;
        this.object = object;
        this.spec = spec;
        this.summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        this.owned = owned;
        this.onResult = onResult;
    }

    /** A rebalance the registry starts in the background ({@link #started} or {@link #failedToStart} follows). */
    static Rebalance starting(String id, RebalanceKind kind, String object, MigrationSpec spec,
                              Map<String, Object> summary, Consumer<CutoverResult> onResult) {
        return new Rebalance(id, kind, object, spec, summary, true, onResult);
    }

    /**
     * A migration started elsewhere ({@code shardshift migrate}), shown and driven by the same routes; its
     * runner, cutover and sampler stay owned by the caller.
     */
    public static Rebalance running(String id, RebalanceKind kind, MigrationRunner runner, Switchover switchover,
                                    LagSampler sampler) {
        Rebalance r = new Rebalance(id, kind, id, runner.spec(), RebalanceRegistry.summaryOf(runner.spec()), false, x -> { });
        r.runner = runner;
        r.switchover = switchover;
        r.sampler = sampler;
        return r;
    }

    /** A stream rebalance: {@code expansion} is its cutover, phase and status; it runs no migration. */
    static Rebalance stream(String id, String topic, MigrationSpec base, Map<String, Object> summary,
                            StreamExpansion expansion) {
        Rebalance r = new Rebalance(id, RebalanceKind.STREAM, topic, base, summary, true, x -> { });
        r.stream = expansion;
        r.switchover = expansion;
        return r;
    }

    void started(RebalanceLauncher.Launched launched) {
        RecentLatency recent = new RecentLatency();
        launched.runner().metrics().addLatencyListener(recent);
        RunnerSamples s = new RunnerSamples(launched.runner(), recent);
        this.samples = s;
        this.sampler = LagSampler.start(s, Duration.ofSeconds(2), 30);
        this.switchover = launched.switchover();
        this.runner = launched.runner();
    }

    void failedToStart(Throwable error) {
        this.startFailure = error;
    }

    public String id() {
        return id;
    }

    public RebalanceKind kind() {
        return kind;
    }

    /** The tenant, the collection, or (for a migration) its name. */
    public String object() {
        return object;
    }

    public MigrationSpec spec() {
        return spec;
    }

    /** The spec summary shown by the start answer and the status. */
    public Map<String, Object> summary() {
        return summary;
    }

    /** Where it stands. */
    public RebalancePhase phase() {
        if (stream != null) {
            return stream.phase();
        }
        if (failure().isPresent()) {
            return RebalancePhase.FAILED;
        }
        MigrationRunner r = runner;
        if (r == null) {
            return RebalancePhase.STARTING;
        }
        Optional<CutoverResult> last = switchover.lastResult().filter(CutoverResult::completed);
        if (last.isPresent()) {
            return RebalancePhase.after(last.get().kind());
        }
        return r.backfillFinished() ? RebalancePhase.STREAMING : RebalancePhase.BACKFILL;
    }

    /** Why it failed (to start, or while running), if it did. */
    public Optional<Throwable> failure() {
        if (stream != null) {
            return stream.failure();
        }
        if (startFailure != null) {
            return Optional.of(startFailure);
        }
        MigrationRunner r = runner;
        return r == null ? Optional.empty() : r.failure();
    }

    /**
     * Whether a new rebalance of the same kind and object must wait for this one (it has not failed; a stream
     * rebalance only until its first cutover or rollback, after which the topic may be expanded again).
     */
    boolean blocks(RebalanceKind otherKind, String otherObject) {
        if (stream != null) {
            RebalancePhase p = stream.phase();
            return kind == otherKind && object.equals(otherObject)
                    && (p == RebalancePhase.STARTING || p == RebalancePhase.EXPANDED);
        }
        return kind == otherKind && object.equals(otherObject) && failure().isEmpty();
    }

    /** Runs its cutover now; a conflict while it is starting or after it failed. */
    public CutoverResult cutover() {
        CutoverResult result = ready(SwitchKind.CUTOVER).cutover();
        onResult.accept(result);
        return result;
    }

    /** Rolls its last cutover back; a conflict while it is starting or after it failed to start. */
    public CutoverResult rollback(String reason) {
        CutoverResult result = ready(SwitchKind.ROLLBACK).rollback(reason);
        onResult.accept(result);
        return result;
    }

    private Switchover ready(SwitchKind action) {
        if (startFailure != null) {
            throw RebalanceException.conflict("rebalance " + id + " failed to start, no " + action + ": " + startFailure.getMessage());
        }
        Switchover s = switchover;
        if (s == null) {
            throw RebalanceException.conflict("rebalance " + id + " is still starting; try the " + action + " again shortly");
        }
        return s;
    }

    /**
     * The status answer: id, kind, phase, backfill progress, lag, the config topic its applications follow,
     * live generation, last cutover or rollback; for a running migration, its migrator processes ({@code instances},
     * see {@link InstanceJson}).
     */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("kind", kind);
        out.put("object", object);
        out.put("phase", phase());
        out.put("failure", failure().map(e -> e.getClass().getSimpleName() + ": " + e.getMessage()).orElse(null));
        out.put("startedAtMillis", startedAtMillis);
        out.put("spec", summary);
        out.put("configTopic", io.shardshift.client.ConfigKeys.topic(spec.topicPrefix()));
        Switchover s = switchover;
        out.put("liveGeneration", s == null ? null : s.liveGeneration());
        out.put("last", s == null ? null : s.lastResult().orElse(null));
        if (stream != null) {
            out.put("liveGeneration", stream.liveGeneration());
            out.putAll(stream.status());
            return out;
        }
        LagSampler l = sampler;
        out.putAll(StatusFigures.of(l == null ? null : l.latest(), l == null ? null : l.error().orElse(null)));
        MigrationRunner r = runner;
        if (r != null && r.instances() != null) {
            out.put("instances", InstanceJson.all(r.instances().instances(), System.currentTimeMillis()));
        }
        return out;
    }

    /** Stops its cutover, sampler and migration (not those of a migration started elsewhere). */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        Switchover s = switchover;
        if (s != null) {
            s.close();
        }
        if (sampler != null) {
            sampler.close();
        }
        if (samples != null) {
            samples.close();
        }
        MigrationRunner r = runner;
        if (r != null) {
            r.close();
        }
        LOG.info("rebalance {} closed", id);
    }
}
