package io.shardshift.engine.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.rate.RateDecision;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.TargetOutages;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A migration's figures as Prometheus metrics (Micrometer). Every series carries the tag
 * {@code migration}. Gauges read the latest {@link LagSample}, so a scrape never queries the source or
 * Kafka; meters for a new target, partition or table are added as samples show them.
 *
 * <table>
 * <caption>Series</caption>
 * <tr><td>{@code shardshift_source_wal_lsn}</td><td>the source's WAL position (LSN as a number)</td></tr>
 * <tr><td>{@code shardshift_capture_lsn}</td><td>the highest source LSN capture handled</td></tr>
 * <tr><td>{@code shardshift_capture_published_events_total}</td><td>change events capture published</td></tr>
 * <tr><td>{@code shardshift_slot_retained_wal_bytes}</td><td>WAL the replication slot holds back</td></tr>
 * <tr><td>{@code shardshift_slot_wal_status{status}}</td><td>1 for the slot's {@code wal_status} (reserved,
 * extended, unreserved, lost, missing), 0 for the others</td></tr>
 * <tr><td>{@code shardshift_target_applied_lsn{target}}</td><td>the highest source LSN applied</td></tr>
 * <tr><td>{@code shardshift_target_lag_bytes{target}}</td><td>source WAL bytes not yet applied</td></tr>
 * <tr><td>{@code shardshift_target_lag_seconds{target}}</td><td>now minus the last applied commit</td></tr>
 * <tr><td>{@code shardshift_target_events_applied_total{target}}</td><td>events applied</td></tr>
 * <tr><td>{@code shardshift_target_dead_letters{target}}</td><td>events the target rejected</td></tr>
 * <tr><td>{@code shardshift_target_waiting_seconds{target}}</td><td>how long apply has been waiting for the
 * target (down, unreachable); 0 when it is healthy</td></tr>
 * <tr><td>{@code shardshift_dead_letter_topic_events}</td><td>records in the dead-letter topic</td></tr>
 * <tr><td>{@code shardshift_consumer_lag_events{topic,partition}}</td><td>the apply group's lag</td></tr>
 * <tr><td>{@code shardshift_backfill_rows{table}}, {@code shardshift_backfill_estimated_rows{table}},
 * {@code shardshift_backfill_progress_ratio{table}}</td><td>backfill progress</td></tr>
 * <tr><td>{@code shardshift_apply_latency_seconds{target}}</td><td>commit-to-applied latency histogram</td></tr>
 * <tr><td>{@code shardshift_backfill_rate_rows_per_second}</td><td>the rate the backfill's rate guard allows</td></tr>
 * <tr><td>{@code shardshift_backfill_rate_observed_rows_per_second}</td><td>what the backfill read</td></tr>
 * <tr><td>{@code shardshift_backfill_rate_limited{signal}}</td><td>1 for the signal limiting the rate (lag, source,
 * standby, target, maxRate, none), 0 for the others</td></tr>
 * <tr><td>{@code shardshift_backfill_rate_stream_lag_seconds}</td><td>the stream lag the guard saw</td></tr>
 * <tr><td>{@code shardshift_backfill_rate_decreases_total}</td><td>the guard's decreases</td></tr>
 * </table>
 */
public final class MigrationMetrics {
    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final List<String> WAL_STATUSES = List.of(SlotRetention.RESERVED, SlotRetention.EXTENDED,
            SlotRetention.UNRESERVED, SlotRetention.LOST, SlotRetention.MISSING);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<LagSample> latest;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private volatile ToDoubleFunction<String> waitingSeconds = target -> 0;

    /**
     * @param migration the migration's name, the {@code migration} tag of every series
     * @param latest    the latest sample (e.g. {@code sampler::latest})
     */
    public MigrationMetrics(String migration, Supplier<LagSample> latest) {
        this.latest = latest;
        registry.config().commonTags("migration", migration);
        gauge("shardshift.source.wal.lsn", Tags.empty(), s -> s.sourceWalLsn(), "The source's current WAL position (pg_current_wal_lsn) as a number");
        gauge("shardshift.capture.lsn", Tags.empty(), s -> s.capturedLsn(), "The highest source LSN capture has handled");
        gauge("shardshift.slot.retained.wal.bytes", Tags.empty(), s -> s.slotRetainedBytes(),
                "WAL bytes the replication slot holds back on the source (current WAL minus restart_lsn)");
        for (String status : WAL_STATUSES) {
            gauge("shardshift.slot.wal.status", Tags.of("status", status), s -> status.equals(s.slotWalStatus()) ? 1 : 0,
                    "1 for the replication slot's wal_status (pg_replication_slots), 0 for the others; lost = cannot resume");
        }
        gauge("shardshift.dead.letter.topic.events", Tags.empty(), s -> s.deadLetterTopicEvents(),
                "Records in the dead-letter topic; any blocks cutover");
        FunctionCounter.builder("shardshift.capture.published.events", this, m -> m.latest.get().capturePublished())
                .description("Change events capture published to the change topics in this run").register(registry);
    }

    /**
     * Wires the metrics to a sampler (new targets, partitions and tables get meters as samples show them)
     * and to the apply topology's latency measurements.
     */
    public static MigrationMetrics bind(String migration, LagSampler sampler, ApplyMetrics apply) {
        return bind(migration, sampler, apply, null);
    }

    /** As above, and the targets' waiting time read live from {@code outages} (none when {@code null}). */
    public static MigrationMetrics bind(String migration, LagSampler sampler, ApplyMetrics apply, TargetOutages outages) {
        MigrationMetrics metrics = new MigrationMetrics(migration, sampler::latest);
        if (outages != null) {
            metrics.waitingSeconds = outages::secondsWaiting;
        }
        metrics.addMetersFor(sampler.latest());
        sampler.addListener(metrics::addMetersFor);
        apply.addLatencyListener(metrics::recordLatency);
        return metrics;
    }

    /** Adds meters for the targets, partitions and tables of a sample that have none yet. */
    public void addMetersFor(LagSample sample) {
        for (LagSample.TargetLag t : sample.targets()) {
            if (bound.add("target/" + t.target())) {
                bindTarget(t.target());
            }
        }
        for (LagSample.PartitionLag p : sample.partitions()) {
            if (bound.add("partition/" + p.key())) {
                String key = p.key();
                gauge("shardshift.consumer.lag.events", Tags.of("topic", p.topic(), "partition", Integer.toString(p.partition())),
                        s -> s.partitions().stream().filter(x -> x.key().equals(key)).mapToLong(LagSample.PartitionLag::lag)
                                .findFirst().orElse(0), "Events on the change topic partition not yet applied (apply group lag)");
            }
        }
        for (LagSample.TableBackfill b : sample.backfill()) {
            if (bound.add("table/" + b.table())) {
                bindTable(b.table());
            }
        }
        for (LagSample.CaptureGroupLag g : sample.captureGroups()) {
            if (bound.add("captureGroup/" + g.group())) {
                bindCaptureGroup(g.group(), g.slot());
            }
        }
    }

    private void bindCaptureGroup(int group, String slot) {
        Tags tags = Tags.of("group", Integer.toString(group), "slot", slot);
        ToDoubleFunction<ToDoubleFunction<LagSample.CaptureGroupLag>> read = f -> latest.get().captureGroups().stream()
                .filter(g -> g.group() == group).mapToDouble(f).findFirst().orElse(0);
        Gauge.builder("shardshift.capture.group.lsn", read, r -> r.applyAsDouble(LagSample.CaptureGroupLag::capturedLsn))
                .tags(tags).description("The highest source LSN the capture group's engine has handled")
                .strongReference(true).register(registry);
        Gauge.builder("shardshift.capture.group.lag.bytes", read, r -> r.applyAsDouble(g -> Math.max(0,
                        latest.get().sourceWalLsn() - g.capturedLsn())))
                .tags(tags).description("Source WAL bytes the capture group's engine has not handled yet")
                .strongReference(true).register(registry);
        Gauge.builder("shardshift.capture.group.slot.retained.wal.bytes", read,
                        r -> r.applyAsDouble(LagSample.CaptureGroupLag::slotRetainedBytes))
                .tags(tags).description("WAL bytes the capture group's slot holds back on the source")
                .strongReference(true).register(registry);
        FunctionCounter.builder("shardshift.capture.group.published.events", read,
                        r -> r.applyAsDouble(LagSample.CaptureGroupLag::published))
                .tags(tags).description("Change events the capture group published in this run").register(registry);
    }

    private void bindTarget(String name) {
        Tags tags = Tags.of("target", name);
        gauge("shardshift.target.applied.lsn", tags, s -> target(s, name).map(LagSample.TargetLag::appliedLsn).orElse(0L),
                "The highest source LSN applied to the target");
        gauge("shardshift.target.lag.bytes", tags, s -> target(s, name).map(LagSample.TargetLag::lagBytes).orElse(0L),
                "Source WAL bytes not yet applied to the target");
        gauge("shardshift.target.lag.seconds", tags, s -> target(s, name).map(LagSample.TargetLag::lagSeconds).orElse(0.0),
                "Now minus the source commit time of the last event applied to the target, while events wait");
        gauge("shardshift.target.dead.letters", tags, s -> target(s, name).map(LagSample.TargetLag::deadLetters).orElse(0L),
                "Events the target rejected in this run");
        Gauge.builder("shardshift.target.waiting.seconds", this, m -> m.waitingSeconds.applyAsDouble(name)).tags(tags)
                .description("How long apply has been waiting for the target (down or unreachable); 0 when it is healthy")
                .strongReference(true).register(registry);
        FunctionCounter.builder("shardshift.target.events.applied", this,
                        m -> target(m.latest.get(), name).map(LagSample.TargetLag::eventsApplied).orElse(0L))
                .tags(tags).description("Events applied to the target in this run").register(registry);
        timer(name);
    }

    private void bindTable(String table) {
        Tags tags = Tags.of("table", table);
        gauge("shardshift.backfill.rows", tags, s -> table(s, table).map(LagSample.TableBackfill::rowsRead).orElse(0L),
                "Rows the backfill copied");
        gauge("shardshift.backfill.estimated.rows", tags, s -> table(s, table).map(LagSample.TableBackfill::estimatedRows).orElse(0L),
                "The source catalog's estimate of the table's rows");
        gauge("shardshift.backfill.progress.ratio", tags, s -> table(s, table).map(LagSample.TableBackfill::fraction).orElse(0.0),
                "Backfill chunks done as a fraction of chunks planned (1 when finished)");
    }

    /** The values of {@code shardshift_backfill_rate_limited}'s {@code signal} tag. */
    private static final List<String> RATE_SIGNALS = List.of(RateDecision.LAG, RateDecision.SOURCE,
            RateDecision.STANDBY, "target", RateDecision.MAX_RATE, RateDecision.NONE);

    /** Adds the backfill rate guard's gauges, read from {@code guard} at each scrape ({@code null}: zeros). */
    public void bindRateGuard(Supplier<RateGuardStatus> guard) {
        ToDoubleFunction<ToDoubleFunction<RateGuardStatus>> read = f -> {
            RateGuardStatus g = guard.get();
            return g == null ? 0 : f.applyAsDouble(g);
        };
        Gauge.builder("shardshift.backfill.rate.rows.per.second", read, r -> r.applyAsDouble(RateGuardStatus::rowsPerSecond))
                .description("The backfill rate (rows/s) the rate guard allows now").strongReference(true).register(registry);
        Gauge.builder("shardshift.backfill.rate.observed.rows.per.second", read,
                        r -> r.applyAsDouble(RateGuardStatus::observedRowsPerSecond))
                .description("The rows per second the backfill read in the rate guard's last tick").strongReference(true)
                .register(registry);
        Gauge.builder("shardshift.backfill.rate.stream.lag.seconds", read,
                        r -> r.applyAsDouble(g -> g.signals() == null ? 0 : Math.max(0, g.signals().lagMillis()) / 1000.0))
                .description("The change stream lag the rate guard saw in its last tick").strongReference(true)
                .register(registry);
        for (String signal : RATE_SIGNALS) {
            Gauge.builder("shardshift.backfill.rate.limited", read, r -> r.applyAsDouble(g -> limitedBy(g, signal) ? 1 : 0))
                    .tags(Tags.of("signal", signal))
                    .description("1 for the signal limiting the backfill rate now, 0 for the others")
                    .strongReference(true).register(registry);
        }
        FunctionCounter.builder("shardshift.backfill.rate.decreases", read, r -> r.applyAsDouble(RateGuardStatus::decreases))
                .description("Times the rate guard lowered the backfill rate in this run").register(registry);
    }

    private static boolean limitedBy(RateGuardStatus g, String signal) {
        String s = g.limitingSignal();
        return "target".equals(signal) ? s.startsWith("target ") : signal.equals(s);
    }

    /** Records one commit-to-applied latency of a target. */
    public void recordLatency(String target, long millis) {
        timer(target).record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    private Timer timer(String target) {
        return latency.computeIfAbsent(target, t -> Timer.builder("shardshift.apply.latency")
                .tag("target", t)
                .description("End-to-end latency: source commit to the target's acknowledgement of the batch")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry));
    }

    /** The metrics in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** The registry, to add more meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void gauge(String name, Tags tags, ToDoubleFunction<LagSample> value, String description) {
        Gauge.builder(name, latest, s -> value.applyAsDouble(s.get())).tags(tags).description(description)
                .strongReference(true).register(registry);
    }

    private static Optional<LagSample.TargetLag> target(LagSample s, String name) {
        return s.targets().stream().filter(t -> t.target().equals(name)).findFirst();
    }

    private static Optional<LagSample.TableBackfill> table(LagSample s, String table) {
        return s.backfill().stream().filter(t -> t.table().equals(table)).findFirst();
    }
}
