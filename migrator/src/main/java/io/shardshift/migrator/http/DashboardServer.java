package io.shardshift.migrator.http;

import io.micrometer.core.instrument.Gauge;
import io.shardshift.migrator.metrics.LagSampler;
import io.shardshift.migrator.metrics.MigrationMetrics;
import io.shardshift.migrator.metrics.RecentLatency;
import io.shardshift.migrator.metrics.RunnerSamples;
import io.shardshift.migrator.metrics.RunnerStatus;
import io.shardshift.migrator.run.MigrationRunner;
import io.shardshift.migrator.verify.Verifier;
import io.shardshift.migrator.verify.VerifyOptions;

import java.net.URI;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a running migration over HTTP: the status API, the lag history, Prometheus {@code /metrics}, the
 * dashboard at {@code /}, {@code GET /v1/cutover} and the verification routes ({@link VerifyRoutes}). Samples the lag once a second on one background thread.
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
    private final HttpApi api;
    private final LagSampler sampler;
    private final RunnerSamples samples;
    private final MigrationMetrics metrics;
    private final ApiToken token;
    private final Set<String> gateMeters = ConcurrentHashMap.newKeySet();
    private volatile CutoverView cutoverView = CutoverView.EMPTY;
    private volatile VerifyRoutes verifyRoutes;

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
            MigrationMetrics metrics = MigrationMetrics.bind(runner.spec().name(), sampler, runner.metrics());
            api = HttpApi.create(options.host(), options.port(), token);
            DashboardServer server = new DashboardServer(api, sampler, samples, metrics, token);
            StatusRoutes.register(api, new RunnerStatus(runner, sampler), metrics, () -> server.cutoverView);
            server.verifyRoutes = VerifyRoutes.register(api, opts -> {
                try (Verifier verifier = Verifier.inProcess(runner)) {
                    return verifier.verify(opts);
                }
            }, VerifyOptions.defaults());
            sampler.addListener(sample -> server.addGateMeters());
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

    /** Exports each cutover gate as {@code shardshift_cutover_gate_passed{gate}} (1 passed, 0 not, -1 gone). */
    private void addGateMeters() {
        for (CutoverView.Gate gate : cutoverView.state().gates()) {
            if (gateMeters.add(gate.name())) {
                String name = gate.name();
                Gauge.builder("shardshift.cutover.gate.passed", this, s -> s.cutoverView.state().gates().stream()
                                .filter(g -> g.name().equals(name)).findFirst().map(g -> g.passed() ? 1.0 : 0.0).orElse(-1.0))
                        .tag("gate", name).description("Whether the cutover gate is passed (1) or not (0)")
                        .strongReference(true).register(metrics.registry());
            }
        }
    }

    /** The route registry, to add routes (e.g. {@code POST /v1/rebalance/cutover}). */
    public HttpApi api() {
        return api;
    }

    /** Shows cutover gates and history from this view on {@code GET /v1/cutover} and the dashboard. */
    public void cutoverView(CutoverView view) {
        this.cutoverView = Objects.requireNonNull(view, "view");
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
        if (verifyRoutes != null) {
            verifyRoutes.close();
        }
        sampler.close();
        samples.close();
    }
}
