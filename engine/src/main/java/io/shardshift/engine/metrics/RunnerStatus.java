package io.shardshift.engine.metrics;

import io.shardshift.engine.run.MigrationRunner;

import java.util.List;

/** The status of a running {@link MigrationRunner}, with the figures its {@link LagSampler} took. */
public final class RunnerStatus implements StatusSource {
    private final MigrationRunner runner;
    private final LagSampler sampler;

    public RunnerStatus(MigrationRunner runner, LagSampler sampler) {
        this.runner = runner;
        this.sampler = sampler;
    }

    @Override
    public String migrationId() {
        return runner.spec().name();
    }

    @Override
    public MigrationStatus status() {
        String failure = runner.failure().map(e -> e.getClass().getSimpleName() + ": " + e.getMessage()).orElse(null);
        String phase = failure != null ? MigrationStatus.FAILED
                : runner.backfillFinished() ? MigrationStatus.STREAMING : MigrationStatus.BACKFILL;
        return new MigrationStatus(migrationId(), phase, failure, sampler.latest(), sampler.error().orElse(null),
                runner.pausedTables(), runner.outages().waiting(), runner.sourceFailover().orElse(null),
                runner.rateGuard(), runner.instances() == null ? List.of() : runner.instances().instances());
    }

    @Override
    public List<LagSample> history(long sinceMillis) {
        return sampler.history().since(sinceMillis);
    }
}
