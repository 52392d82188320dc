package io.shardshift.migrator.cutover;

import io.shardshift.migrator.audit.AuditTrail;
import io.shardshift.migrator.http.DashboardServer;
import io.shardshift.migrator.run.MigrationRunner;
import io.shardshift.migrator.verify.Verifier;
import io.shardshift.migrator.verify.VerifyOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Attaches cutover to a running migration: an audit trail (file and topic), a controller whose gates are
 * no dead letters, lag, and a clean online verification, the Solr alias swap, and the REST routes and
 * dashboard view on the migration's HTTP server.
 */
public final class CutoverService {
    private CutoverService() {
    }

    /**
     * @param auditFile the local copy of the audit trail
     * @return the controller; close it before the runner
     */
    public static CutoverController attach(MigrationRunner runner, DashboardServer server, Path auditFile)
            throws InterruptedException {
        AuditTrail audit = AuditTrail.toFileAndTopic(auditFile, runner.spec().kafka().bootstrapServers(),
                AuditTrail.topicOf(runner.spec().topicPrefix()));
        CutoverOptions options = CutoverOptions.defaults()
                .withGates(List.of(Gates.verification(() -> verifyClean(runner))))
                .withAliasSwap(new SearchAliasSwap(runner.search()));
        CutoverController controller = CutoverController.forRunner(runner, audit, options);
        if (server != null) {
            CutoverRoutes routes = new CutoverRoutes(runner.spec().name(), controller).register(server.api());
            server.cutoverView(routes);
        }
        return controller;
    }

    private static boolean verifyClean(MigrationRunner runner) {
        try (Verifier verifier = Verifier.inProcess(runner)) {
            return verifier.verify(VerifyOptions.defaults()).clean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
