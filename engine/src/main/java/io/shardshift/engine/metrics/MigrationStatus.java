package io.shardshift.engine.metrics;

import io.shardshift.core.spec.Secrets;

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
 */
public record MigrationStatus(String id, String phase, String failure, LagSample latest, String sampleError) {
    public static final String BACKFILL = "backfill";
    public static final String STREAMING = "streaming";
    public static final String FAILED = "failed";

    /** Masks credentials (a JDBC URL's password) in {@code failure} and {@code sampleError}. */
    public MigrationStatus {
        failure = Secrets.maskCredentials(failure);
        sampleError = Secrets.maskCredentials(sampleError);
    }
}
