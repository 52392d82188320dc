package io.shardshift.migrator.http;

import io.shardshift.cutover.CutoverController;

import io.micrometer.core.instrument.Gauge;
import io.shardshift.engine.metrics.LagSampler;
import io.shardshift.engine.metrics.MigrationMetrics;
import io.shardshift.engine.metrics.RecentLatency;
import io.shardshift.engine.metrics.RunnerSamples;
import io.shardshift.engine.metrics.RunnerStatus;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serves a running migration over HTTP (every route that answers data needs the API token; see {@link HttpApi}): the status API, the lag history, Prometheus {@code /metrics}, the
 * dashboard at {@code /}, {@code GET /v1/cutover}, the verification routes ({@link VerifyRoutes}) and the plan's
 * before/after chart ({@code GET /v1/plan}, {@link PlanRoutes}). Samples the lag once a second on one background thread.
 * The dashboard reads the migration's figures from {@value #MIGRATION_STATUS}, the same JSON as
 * {@code GET /v1/rebalance/status}, which the cutover routes take over to answer the live generation.
 * Other features add their routes through {@link #api()} and show cutover through {@link #cutoverView}; each
 * gate of the view is also exported as {@code shardshift_cutover_gate_passed{gate}}.
 *
 * <pre>{@code
 * try (MigrationRunner runner = MigrationRunner.start(spec, stateDir);
 *      DashboardServer server = DashboardServer.start(runner, 8080, null)) {
 *     System.out.println("dashboard: " + server.url());
 *     ...
 * }
 * }</pre>
 */
public final class DashboardServer implements AutoCloseable {
    /** The migration's status (backfill, lag per target and partition, dead letters), whatever else is attached. */
    public static final String MIGRATION_STATUS = "/v1/migration/status";
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** How long the plan chart's measurement of the source watches writes. */
    private static final Duration PLAN_WINDOW = Duration.ofSeconds(2);

    private final HttpApi api;
    private final LagSampler sampler;
    private final RunnerSamples samples;
    private final MigrationMetrics metrics;
    private final ApiToken token;
    private final Set<String> gateMeters = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService cutoverRefresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shardshift-cutover-view");
        t.setDaemon(true);
        return t;
    });
    private volatile CutoverView cutoverView = CutoverView.EMPTY;
    private volatile CutoverView.State cutoverState = CutoverView.EMPTY.state();
    private volatile VerifyRoutes verifyRoutes;
    private final VerifyRuns verifyRuns = new VerifyRuns();

    private DashboardServer(HttpApi api, LagSampler sampler, RunnerSamples samples, MigrationMetrics metrics, ApiToken token) {
        this.api = api;
        this.sampler = sampler;
        this.samples = samples;
        this.metrics = metrics;
        this.token = token;
    }

    /**
     * Starts serving on {@code 127.0.0.1:port}.
     *
     * @param port  the port, 0 for any free one
     * @param token the API token, or {@code null} for {@value ApiToken#ENV} or a generated one (printed once)
     */
    public static DashboardServer start(MigrationRunner runner, int port, String token) {
        return start(runner, ServeOptions.of(port, token));
    }

    /** Starts serving with the given options. */
    public static DashboardServer start(MigrationRunner runner, ServeOptions options) {
        ApiToken token = ApiToken.resolve(options.token(), System.getenv(), System.out);
        RecentLatency recent = new RecentLatency();
        runner.metrics().addLatencyListener(recent);
        RunnerSamples samples = new RunnerSamples(runner, recent);
        LagSampler sampler = LagSampler.start(samples, options.sampleInterval(), options.historySize());
        HttpApi api = null;
        try {
            MigrationMetrics metrics = MigrationMetrics.bind(runner.spec().name(), sampler, runner.metrics(),
                    runner.outages());
            metrics.bindRateGuard(runner::rateGuard);
            api = HttpApi.create(options.host(), options.port(), token, options.allowedHosts());
            DashboardServer server = new DashboardServer(api, sampler, samples, metrics, token);
            RunnerStatus status = new RunnerStatus(runner, sampler);
            StatusRoutes.register(api, status, metrics, () -> server::lastCutoverState);
            api.route("GET", MIGRATION_STATUS, request -> ApiResponse.json(StatusJson.of(status.status())));
            TableRoutes.register(api, runner);
            PlanRoutes.register(api, runner.spec(), PLAN_WINDOW);
            server.verifyRoutes = VerifyRoutes.register(api, opts -> {
                try (Verifier verifier = Verifier.inProcess(runner)) {
                    return verifier.verify(opts);
                }
            }, VerifyOptions.defaults(), server.verifyRuns);
            sampler.addListener(sample -> server.addGateMeters());
            server.cutoverRefresher.scheduleWithFixedDelay(server::refreshCutoverState, 0,
                    options.sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
            api.start();
            return server;
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            sampler.close();
            samples.close();
            throw e;
        }
    }

    /**
     * Reads the cutover view on a thread of its own: a view that waits (the controller while a cutover runs)
     * then holds up neither the lag sampler, nor {@code /metrics}, nor {@code GET /v1/cutover}, which all show
     * the last state read (at most one sample interval old, or older while the view waits).
     */
    private void refreshCutoverState() {
        try {
            cutoverState = cutoverView.state();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the cutover view: {}", e.toString());
        }
    }

    private CutoverView.State lastCutoverState() {
        return cutoverState;
    }

    /** Exports each cutover gate as {@code shardshift_cutover_gate_passed{gate}} (1 passed, 0 not, -1 gone). */
    private void addGateMeters() {
        for (CutoverView.Gate gate : cutoverState.gates()) {
            if (gateMeters.add(gate.name())) {
                String name = gate.name();
                Gauge.builder("shardshift.cutover.gate.passed", this, s -> s.cutoverState.gates().stream()
                                .filter(g -> g.name().equals(name)).findFirst().map(g -> g.passed() ? 1.0 : 0.0).orElse(-1.0))
                        .tag("gate", name).description("Whether the cutover gate is passed (1) or not (0)")
                        .strongReference(true).register(metrics.registry());
            }
        }
    }

    /**
     * The last verify the Verification panel shows; give it to {@code CutoverService.attach} so the cutover's
     * verification gate records its runs there too.
     */
    public VerifyRuns verifyRuns() {
        return verifyRuns;
    }

    /** The route registry, to add routes (e.g. {@code POST /v1/rebalance/cutover}). */
    public HttpApi api() {
        return api;
    }

    /** Adds the cutover routes of a migration ({@code /v1/cutover}, ...) and shows its cutover on the dashboard. */
    public void attachCutover(String migration, CutoverController controller) {
        cutoverView(new CutoverRoutes(migration, controller).register(api));
        controller.shadowAgreement().ifPresent(agreement -> ShadowRoutes.register(api, agreement));
    }

    /**
     * Shows cutover gates and history from this view on {@code GET /v1/cutover}, the dashboard and
     * {@code /metrics}; read once per sample interval on a thread of its own.
     */
    public void cutoverView(CutoverView view) {
        this.cutoverView = Objects.requireNonNull(view, "view");
        cutoverRefresher.execute(this::refreshCutoverState);
    }

    /** The dashboard's URL, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        return api.url();
    }

    public int port() {
        return api.port();
    }

    /** The token mutating calls need. */
    public ApiToken token() {
        return token;
    }

    public MigrationMetrics metrics() {
        return metrics;
    }

    public LagSampler sampler() {
        return sampler;
    }

    @Override
    public void close() {
        api.close();
        cutoverRefresher.shutdownNow();
        if (verifyRoutes != null) {
            verifyRoutes.close();
        }
        sampler.close();
        samples.close();
    }
}
