package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.event.Lsn;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.SourceFailover;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * After a source failover ({@link MigrationRunner#sourceFailover()}), converges the targets to exactly the new
 * primary's rows while streaming, once apply has taken in what the old primary's capture left on the change topics:
 * a full online verification of every table with repair, i.e. every key compared
 * by chunk checksums, every differing or missing row re-published at a position newer than anything applied before
 * (the runner moved the new primary's WAL past it), every row the new primary lacks deleted by a fenced delete. So
 * rows written on the old primary that never reached the standby are removed from the targets, and rows the new
 * primary changed before its slot existed are copied. The cutover gates hold the migration back until it is done
 * ({@link MigrationRunner#tablesHeldBack()}). Each step goes to the audit trail.
 *
 * <pre>{@code
 * SourceFailoverConvergence.startInBackground(runner, audit);   // returns at once; status shows the progress
 * }</pre>
 */
public final class SourceFailoverConvergence {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFailoverConvergence.class);
    private static final String ACTOR = "shardshift";
    private static final int ATTEMPTS = 3;

    private SourceFailoverConvergence() {
    }

    /**
     * Audits the failover the runner found, if any, and starts its convergence on a daemon thread when one is needed.
     *
     * @return the thread, or {@code null} when there is nothing to converge
     */
    public static Thread startInBackground(MigrationRunner runner, AuditTrail audit) {
        if (!recordDetected(runner, audit)) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                converge(runner, audit, Duration.ofHours(6));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shardshift-failover-converge");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Writes the failover the runner found at start to the audit trail ({@code source-failover-detected}).
     *
     * @return whether the targets need a convergence
     */
    public static boolean recordDetected(MigrationRunner runner, AuditTrail audit) {
        SourceFailover f = runner.sourceFailover().orElse(null);
        if (f == null) {
            return false;
        }
        audit.append(ACTOR, "source-failover-detected", details(f));
        return f.needsConvergence();
    }

    /**
     * Converges the targets now, on the calling thread: waits for the backfill, then verifies with repair until a
     * verification is clean (at most {@value #ATTEMPTS} times). Records the outcome in the runner's status, the
     * state topic and the audit trail.
     *
     * @return whether the targets converged
     */
    public static boolean converge(MigrationRunner runner, AuditTrail audit, Duration backfillTimeout)
            throws InterruptedException {
        String lastProblem = "";
        try {
            if (!runner.awaitBackfill(backfillTimeout)) {
                lastProblem = "the backfill did not finish within " + backfillTimeout;
            } else if (!oldChangesApplied(runner, backfillTimeout)) {
                lastProblem = "the changes captured from the old primary were not all applied within " + backfillTimeout;
            } else {
                for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                    VerifyReport report;
                    try (Verifier v = Verifier.inProcess(runner)) {
                        report = v.verify(VerifyOptions.defaults().withRepair(true));
                    }
                    String summary = summary(report);
                    if (report.clean()) {
                        runner.sourceFailoverConverged(SourceFailover.CONVERGED, summary);
                        audit.append(ACTOR, "source-failover-converged", details(runner.sourceFailover().orElseThrow()));
                        LOG.info("source failover of migration {}: targets converged to the new primary ({})",
                                runner.spec().name(), summary);
                        return true;
                    }
                    lastProblem = "attempt " + attempt + ": " + summary;
                    LOG.warn("source failover of migration {}: the targets still differ after repair ({}); again",
                            runner.spec().name(), summary);
                }
            }
        } catch (RuntimeException e) {
            lastProblem = e.getMessage();
            LOG.error("source failover of migration {}: convergence failed: {}", runner.spec().name(), e.getMessage(), e);
        }
        runner.sourceFailoverConverged(SourceFailover.CONVERGE_FAILED, lastProblem
                + " (the next start of the migration converges again; shardshift verify --repair does the same by hand)");
        audit.append(ACTOR, "source-failover-converge-failed", details(runner.sourceFailover().orElseThrow()));
        return false;
    }

    /**
     * Waits until apply has taken in every change the old primary's capture left on the change topics (all at
     * positions below {@link SourceFailover#resumedAfter()}): a change of a row the new primary never had, applied
     * after the compare, would bring that row back.
     */
    private static boolean oldChangesApplied(MigrationRunner runner, Duration timeout) throws InterruptedException {
        long after = runner.sourceFailover().map(SourceFailover::resumedAfter).orElse(0L);
        try {
            runner.lag().watermark().awaitApplied(after, timeout);
            return true;
        } catch (TimeoutException | SQLException e) {
            LOG.warn("source failover of migration {}: {}", runner.spec().name(), e.getMessage());
            return false;
        }
    }

    private static String summary(VerifyReport r) {
        long rows = r.tables().stream().mapToLong(VerifyReport.TableResult::rowsCompared).sum();
        long repaired = r.tables().stream().mapToLong(VerifyReport.TableResult::repaired).sum();
        return rows + " rows compared in " + r.tables().size() + " tables, " + repaired + " keys repaired, "
                + r.mismatchCount() + " mismatches left, " + r.millis() + " ms";
    }

    private static Map<String, Object> details(SourceFailover f) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", f.kind());
        d.put("state", f.state());
        d.put("detected", f.detected());
        d.put("action", f.action());
        d.put("previousTimeline", f.previous().timeline());
        d.put("timeline", f.current().timeline());
        d.put("systemIdentifier", Long.toUnsignedString(f.current().systemIdentifier()));
        d.put("highestPositionBefore", Lsn.format(f.highestPositionBefore()));
        d.put("resumedAfter", Lsn.format(f.resumedAfter()));
        d.put("result", f.result());
        return d;
    }
}
