package io.shardshift.sink.solr;

import io.shardshift.devstack.DevSolr;

/**
 * One two-node SolrCloud shared by the integration tests of this module that do not disturb the cluster
 * (each uses collections of its own names); started on first use, stopped when the test JVM exits.
 * A test that stops nodes starts a cluster of its own instead.
 */
final class SharedSolr {
    private static DevSolr solr;

    private SharedSolr() {
    }

    static synchronized DevSolr get() {
        if (solr == null) {
            solr = DevSolr.start(2);
            DevSolr started = solr;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-solr-stop"));
        }
        return solr;
    }
}
