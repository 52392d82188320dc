package io.shardshift.engine.rate;

import io.shardshift.core.spec.ApplySpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.TargetOutages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The backfill's rate guard: once a second it gathers the {@link RateSignals} (the change stream's lag from the
 * apply latencies and the lag monitor, the source's chunk read time and its standbys' replay lag, each
 * target's backfill write time and outage state), lets the {@link RateController} decide, and sets the
 * {@link TokenBucket} the backfill's readers are paced by. It keeps the last decisions for the status.
 * Throttling only delays reads: no chunk is skipped.
 */
public final class RateGuard implements BackfillWrites, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateGuard.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final int KEPT_DECISIONS = 20;

    /** Where the guard reads the change stream's progress. */
    public interface StreamProbe {
        /** How many change events wait to be applied (the apply groups' Kafka lag). */
        long eventsWaiting() throws Exception;

        /** Writes a position marker into the source's WAL and returns its LSN. */
        long emitMarker() throws Exception;

        /** The highest source LSN capture has handled (markers included). */
        long capturedLsn();

        /**
         * When the apply runs (also) in other processes of the migration, how long the oldest change no process has
         * applied has waited, in milliseconds: this process's own apply latencies then cover only its partitions
         * (or none). -1 (the default) when this process applies every partition, and its own figures tell.
         */
        default long sharedApplyLagMillis() throws Exception {
            return -1;
        }
    }

    /** Reads a value that may fail. */
    @FunctionalInterface
    private interface Reading {
        long value() throws Exception;
    }

    private final RateController controller;
    private final TokenBucket bucket = new TokenBucket();
    private final StreamLagWindow window = new StreamLagWindow();
    private final LatencyBaseline source = new LatencyBaseline();
    private final Map<String, LatencyBaseline> targets = new TreeMap<>();
    private final Map<String, LongAdder[]> writes = new ConcurrentHashMap<>();
    private final Deque<RateDecision> decisions = new ArrayDeque<>();
    private final long targetLagMillis;
    private final long maxRate;
    private final StreamProbe stream;
    /** The markers written and not yet captured, oldest first: {lsn, written at (epoch ms)}. */
    private final Deque<long[]> markers = new ArrayDeque<>();
    private final TargetOutages outages;
    private final StandbyLag standby;
    private final BooleanSupplier backfilling;
    private final ScheduledExecutorService executor;
    private long lastGranted;
    private long lastTickNanos = System.nanoTime();
    private long decreases;
    /** Since when events wait and none was applied (epoch ms), -1 when apply is moving. */
    private long stalledSince = -1;
    private String lastError;
    private volatile RateGuardStatus status;

    private RateGuard(MigrationSpec spec, StreamProbe stream, TargetOutages outages, BooleanSupplier backfilling) {
        ApplySpec apply = spec.applyOrDefaults();
        this.maxRate = apply.maxRateOrDefault();
        this.targetLagMillis = apply.targetLagOrDefault().toMillis();
        this.controller = new RateController(maxRate);
        this.stream = stream;
        this.outages = outages;
        this.standby = new StandbyLag(spec);
        this.backfilling = backfilling;
        this.bucket.setRate(controller.rate());
        this.status = status(false, null, RateDecision.NONE, "no backfill yet");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardshift-rate-guard");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a guard ticking once a second.
     *
     * @param apply       the apply metrics, whose commit-to-applied latencies are the stream's lag
     * @param stream      the change stream's progress: a marker written to the source's WAL each tick gives
     *                    capture's lag (now minus when the oldest marker capture has not handled was written);
     *                    the events waiting, read when none was applied in a tick, give apply's (how long it
     *                    has not moved while events wait)
     * @param outages     the targets apply is waiting for
     * @param backfilling whether a backfill runs (the guard decides only then, or while rows are read)
     */
    public static RateGuard start(MigrationSpec spec, ApplyMetrics apply, StreamProbe stream,
                                  TargetOutages outages, BooleanSupplier backfilling) {
        RateGuard guard = new RateGuard(spec, stream, outages, backfilling);
        apply.addLatencyListener(guard.window);
        guard.executor.scheduleWithFixedDelay(guard::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return guard;
    }

    /** The pacer the backfill's readers ask before reading rows. */
    public TokenBucket pacer() {
        return bucket;
    }

    @Override
    public void written(String target, long nanos, long rows) {
        LongAdder[] w = writes.computeIfAbsent(target, t -> new LongAdder[] {new LongAdder(), new LongAdder()});
        w[0].add(nanos);
        w[1].add(rows);
    }

    /** The guard's state now. */
    public RateGuardStatus status() {
        return status;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("the backfill's rate guard could not decide (keeping rate {} rows/s): {}",
                    Math.round(controller.rate()), e.toString());
        }
    }

    synchronized void tick() {
        long nowNanos = System.nanoTime();
        long granted = bucket.granted();
        double seconds = Math.max(1e-3, (nowNanos - lastTickNanos) / 1e9);
        double observed = (granted - lastGranted) / seconds;
        lastGranted = granted;
        lastTickNanos = nowNanos;
        long[] lag = window.p99AndReset();
        long[] reads = bucket.drainSourceReads();
        source.add(reads[0], reads[1]);
        Map<String, Double> targetNow = new LinkedHashMap<>();
        Map<String, Double> targetBase = new LinkedHashMap<>();
        writes.forEach((t, w) -> targets.computeIfAbsent(t, k -> new LatencyBaseline()).add(w[0].sumThenReset(), w[1].sumThenReset()));
        targets.forEach((t, b) -> {
            targetNow.put(t, b.average());
            targetBase.put(t, b.baseline());
        });
        if (!backfilling.getAsBoolean() && observed == 0) {
            markers.clear();
            status = status(false, status.signals(), RateDecision.NONE, "no backfill running");
            return;
        }
        long now = System.currentTimeMillis();
        long shared = read(stream::sharedApplyLagMillis);
        long applyLag = shared >= 0 ? shared : lag[1] > 0 ? lag[0] : stalledLag(now, seconds);
        if (lag[1] > 0 || shared >= 0) {
            stalledSince = -1;
        }
        long lagMillis = Math.max(applyLag, captureLag(now));
        long standbyMillis = read(standby::millis);
        List<String> waiting = outages.waiting().stream().map(TargetOutages.Waiting::target).toList();
        RateSignals signals = new RateSignals(lagMillis, targetLagMillis, source.average(), source.baseline(),
                standbyMillis, waiting, targetNow, targetBase, observed);
        RateDecision d = controller.decide(signals, now);
        bucket.setRate(controller.rate());
        LOG.debug("backfill rate guard: {} {} -> {} rows/s ({}: {}), read {} rows/s", d.action(), Math.round(d.fromRate()),
                Math.round(d.toRate()), d.signal(), d.detail(), Math.round(observed));
        keep(d);
        status = status(true, signals, d.signal(), d.detail());
    }

    /**
     * The lag when no event was applied in the tick: 0 when none waits, otherwise how long apply has not moved
     * while events wait (a lower bound of the oldest waiting event's age); -1 when it cannot be read.
     */
    private long stalledLag(long now, double tickSeconds) {
        long waiting = read(stream::eventsWaiting);
        if (waiting <= 0) {
            stalledSince = -1;
            return waiting < 0 ? -1 : 0;
        }
        if (stalledSince < 0) {
            stalledSince = now - Math.round(tickSeconds * 1000);
        }
        return now - stalledSince;
    }

    /**
     * Capture's lag: now minus when the oldest marker capture has not handled yet was written (0 when it handled
     * them all); then writes this tick's marker. A marker that cannot be written is skipped (logged once).
     */
    private long captureLag(long now) {
        long captured = stream.capturedLsn();
        while (!markers.isEmpty() && markers.peekFirst()[0] <= captured) {
            markers.removeFirst();
        }
        long lag = markers.isEmpty() ? 0 : now - markers.peekFirst()[1];
        long lsn = read(stream::emitMarker);
        if (lsn > 0) {
            markers.addLast(new long[] {lsn, now});
        }
        return lag;
    }

    private long read(Reading reading) {
        try {
            long v = reading.value();
            lastError = null;
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!message.equals(lastError)) {
                LOG.warn("the backfill's rate guard cannot read a signal (taken as unknown): {}",
                        io.shardshift.core.spec.Secrets.maskCredentials(message));
            }
            lastError = message;
            return -1;
        }
    }

    private void keep(RateDecision d) {
        if (d.action() == RateDecision.Action.DECREASE) {
            decreases++;
            LOG.info("backfill rate {} -> {} rows/s: {}", Math.round(d.fromRate()), Math.round(d.toRate()), d.detail());
        }
        RateDecision last = decisions.peekLast();
        if (d.action() != RateDecision.Action.HOLD || last == null || !last.signal().equals(d.signal())) {
            decisions.addLast(d);
            while (decisions.size() > KEPT_DECISIONS) {
                decisions.removeFirst();
            }
        }
    }

    private RateGuardStatus status(boolean active, RateSignals signals, String signal, String detail) {
        return new RateGuardStatus(active, controller.rate(), maxRate == Long.MAX_VALUE ? -1 : maxRate, targetLagMillis,
                signals == null ? 0 : signals.observedRowsPerSecond(), signal, detail, signals, List.copyOf(decisions),
                decreases);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        standby.close();
    }
}
