package io.shardshift.cutover;

import io.shardshift.core.spec.CutoverSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import io.shardshift.verify.VerifyRuns;

import io.shardshift.client.shadow.ShadowRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Attaches cutover to a running migration, configured by the spec's {@code cutover} section: an audit trail
 * (file and topic), a controller whose gates are no dead letters, lag, a clean online verification (unless
 * {@code verify: false}), the shadow reads' agreement (when {@code shadowReads} is given; the records of
 * {@code <prefix>.shadow} are always counted, for the API) and the SLO probe (when {@code slo} is given), and the
 * Solr alias swap, and with
 * {@code auto: true} the automatic cutover. The HTTP layer adds the REST routes and the dashboard view itself
 * ({@code DashboardServer.attachCutover}).
 */
public final class CutoverService {
    /** How long shadow-read counts are kept at least (the dashboard's window). */
    static final Duration SHADOW_KEEP = Duration.ofHours(1);

    private CutoverService() {
    }

    /**
     * @param auditFile the local copy of the audit trail
     * @return the controller (it closes the audit trail); close it before the runner
     */
    public static CutoverController attach(MigrationRunner runner, Path auditFile)
            throws InterruptedException {
        return attach(runner, auditFile, new VerifyRuns());
    }

    /**
     * As {@link #attach(MigrationRunner, Path)}, recording the verification gate's runs in {@code verifyRuns} (the
     * dashboard's, so its Verification panel shows them).
     */
    public static CutoverController attach(MigrationRunner runner, Path auditFile, VerifyRuns verifyRuns)
            throws InterruptedException {
        AuditTrail audit = AuditTrail.toFileAndTopic(auditFile, runner.spec().kafka().bootstrapServers(),
                AuditTrail.topicOf(runner.spec().topicPrefix()));
        try {
            CutoverController controller = attach(runner, audit, verifyRuns);
            controller.own(audit);
            return controller;
        } catch (RuntimeException | InterruptedException e) {
            audit.close();
            throw e;
        }
    }

    /**
     * As {@link #attach(MigrationRunner, Path)} with an audit trail the caller owns.
     */
    public static CutoverController attach(MigrationRunner runner, AuditTrail audit)
            throws InterruptedException {
        return attach(runner, audit, new VerifyRuns());
    }

    /** As {@link #attach(MigrationRunner, AuditTrail)}, recording the verification gate's runs in {@code verifyRuns}. */
    public static CutoverController attach(MigrationRunner runner, AuditTrail audit, VerifyRuns verifyRuns)
            throws InterruptedException {
        CutoverSpec c = runner.spec().cutoverOrDefaults();
        Duration keep = c.shadowReads() == null ? SHADOW_KEEP
                : Collections.max(List.of(SHADOW_KEEP, c.shadowReads().windowOrDefault()));
        ShadowAgreement agreement = new ShadowAgreement(keep, System::currentTimeMillis);
        ShadowFeed feed = ShadowFeed.start(runner.spec().kafka().bootstrapServers(),
                ShadowRecord.topic(runner.spec().topicPrefix()), runner.spec().replicationFactor(), agreement);
        CutoverController controller;
        try {
            controller = CutoverController.forRunner(runner, audit, optionsFor(runner, agreement, verifyRuns));
        } catch (RuntimeException | InterruptedException e) {
            feed.close();
            throw e;
        }
        controller.own(feed);
        controller.shadowAgreement(agreement);
        if (runner.spec().cutoverOrDefaults().autoOrDefault()) {
            controller.startAutoCutover(runner::backfillFinished);
        }
        return controller;
    }

    /**
     * The options of the runner's spec ({@code cutover} section), with its gates and the search alias swap. The
     * gates run cheapest first: the shadow reads' agreement (counted in {@code shadow}), the SLO probe, then a full
     * online verification.
     */
    public static CutoverOptions optionsFor(MigrationRunner runner, ShadowAgreement shadow) {
        return optionsFor(runner, shadow, new VerifyRuns());
    }

    /** As {@link #optionsFor(MigrationRunner, ShadowAgreement)}, the verification gate recording each run in {@code verifyRuns}. */
    public static CutoverOptions optionsFor(MigrationRunner runner, ShadowAgreement shadow, VerifyRuns verifyRuns) {
        CutoverSpec c = runner.spec().cutoverOrDefaults();
        List<Gate> gates = new ArrayList<>();
        if (c.shadowReads() != null) {
            CutoverSpec.ShadowReadsSpec s = c.shadowReads();
            gates.add(Gates.shadowReads(() -> shadow.counts(s.windowOrDefault()), s.minReadsOrDefault(),
                    s.maxMismatchRateOrDefault()));
        }
        if (c.slo() != null) {
            gates.add(SloProbe.forRunner(runner, c.slo().samplesOrDefault())
                    .gate(c.slo().maxP95MillisOrDefault(), c.slo().maxErrorRateOrDefault()));
        }
        if (c.verifyOrDefault()) {
            gates.add(Gates.verification(() -> verifyClean(runner, verifyRuns)));
        }
        return CutoverOptions.from(c).withGates(gates).withAliasSwap(new SearchAliasSwap(runner.search()));
    }

    private static boolean verifyClean(MigrationRunner runner, VerifyRuns verifyRuns) {
        Instant started = Instant.now();
        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport report = verifier.verify(VerifyOptions.defaults());
            verifyRuns.record(new VerifyRuns.Run(started, Instant.now(), false, VerifyRuns.By.CUTOVER_GATE, report));
            return report.clean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
