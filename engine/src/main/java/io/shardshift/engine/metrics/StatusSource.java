package io.shardshift.engine.metrics;

import java.util.List;

/**
 * Where the status API and the dashboard read a migration's figures from. {@link RunnerStatus} reads a
 * running {@link io.shardshift.engine.run.MigrationRunner}; tests give a fixed one.
 */
public interface StatusSource {

    /** The migration's name (the {@code id} of the status API). */
    String migrationId();

    /** The current status: phase and the latest sample. */
    MigrationStatus status();

    /** The samples taken after {@code sinceMillis}, oldest first; 0 for all that are kept. */
    List<LagSample> history(long sinceMillis);
}
