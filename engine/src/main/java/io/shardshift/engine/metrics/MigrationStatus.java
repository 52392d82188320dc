package io.shardshift.engine.metrics;

import io.shardshift.core.spec.Secrets;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.run.InstanceInfo;
import io.shardshift.engine.run.SourceFailover;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.engine.topology.TargetOutages;

import java.util.List;

/**
 * A migration's status as the status API returns it.
 *
 * @param id          the migration's name
 * @param phase       {@code backfill} (copying tables while streaming), {@code streaming} (tables copied,
 *                    applying changes) or {@code failed}
 * @param failure     why it failed, or {@code null}
 * @param latest      the latest sample of its figures
 * @param sampleError why the latest attempt to take a sample failed, or {@code null}; the sample shown is then
 *                    the last good one
 * @param pausedTables the tables whose changes are held because their source schema changed, each with the
 *                     reason naming the column and the LSN of the first change with the new schema
 * @param waitingTargets the targets apply is waiting for (down or unreachable), each since when and with
 *                       the last error; the other targets' apply goes on
 * @param sourceFailover the source failover found at start and where the targets' convergence is, or {@code null}
 * @param backfillRate the backfill's rate guard (rate, limiting signal, recent decisions), or {@code null} when
 *                     not known
 * @param instances    the migrator processes of the migration (this one included), each with its roles, what it
 *                     holds and when it was last heard from; empty when not known
 */
public record MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError,
                              List<TablePauses.Pause> pausedTables, List<TargetOutages.Waiting> waitingTargets,
                              SourceFailover sourceFailover, RateGuardStatus backfillRate,
                              List<InstanceInfo> instances) {
    public static final String BACKFILL = "backfill";
    public static final String STREAMING = "streaming";
    public static final String FAILED = "failed";

    /** Masks credentials (a JDBC URL's password) in {@code failure} and {@code sampleError}. */
    public MigrationStatus {
        failure = Secrets.maskCredentials(failure);
        sampleError = Secrets.maskCredentials(sampleError);
        pausedTables = pausedTables == null ? List.of() : List.copyOf(pausedTables);
        waitingTargets = waitingTargets == null ? List.of() : List.copyOf(waitingTargets);
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /** A status without the migration's instances. */
    public MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError,
                           List<TablePauses.Pause> pausedTables, List<TargetOutages.Waiting> waitingTargets,
                           SourceFailover sourceFailover, RateGuardStatus backfillRate) {
        this(id, phase, failure, latest, sampleError, pausedTables, waitingTargets, sourceFailover, backfillRate, List.of());
    }

    /** A status with no source failover and without the rate guard's. */
    public MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError,
                           List<TablePauses.Pause> pausedTables, List<TargetOutages.Waiting> waitingTargets) {
        this(id, phase, failure, latest, sampleError, pausedTables, waitingTargets, null, null);
    }

    /** A status with no target waited for. */
    public MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError,
                           List<TablePauses.Pause> pausedTables) {
        this(id, phase, failure, latest, sampleError, pausedTables, List.of());
    }

    /** A status with no paused table and no target waited for. */
    public MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError) {
        this(id, phase, failure, latest, sampleError, List.of(), List.of());
    }
}
