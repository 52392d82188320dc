package io.shardshift.sink.solr.internal;

import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.util.NamedList;

/**
 * Classifies errors of update requests. Permanent: Solr answered 4xx (bad value, bad document) other than
 * 408, 409 and 429, for the request or for any shard of a routed request; sending the same documents
 * again cannot succeed. Anything else is transient: connection errors and timeouts
 * ({@code SolrServerException}, {@code IOException}), 5xx, ZooKeeper connection loss, leader changes, and
 * a missing collection (a misconfiguration that must stop the writer, not reject every document). Trouble with
 * ZooKeeper is an outage even when Solr reports it as a 400: after the client's ZooKeeper session expired (a
 * paused or partitioned host), the client answers "Could not load collection from ZK" for a collection that
 * exists, which says nothing about the documents.
 */
public final class SolrErrors {
    private SolrErrors() {
    }

    /** Whether sending the same request again cannot succeed. */
    public static boolean isPermanent(Throwable error) {
        if (isMissingCollection(error) || isZooKeeperTrouble(error)) {
            return false;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CloudSolrClient.RouteException route) {
                NamedList<Throwable> perShard = route.getThrowables();
                for (int i = 0; perShard != null && i < perShard.size(); i++) {
                    if (isPermanent(perShard.getVal(i))) {
                        return true;
                    }
                }
                // the route's code is its first shard's: when every shard's error is transient, so is the route's
                return (perShard == null || perShard.size() == 0) && isPermanentCode(route.code());
            }
            if (t instanceof SolrException se) {
                return isPermanentCode(se.code());
            }
        }
        return false;
    }

    /**
     * Whether the error says Solr cannot be reached rather than anything about the documents: no answer
     * (connection refused or reset, timeout, ZooKeeper connection loss) or a 5xx (no live leader, server
     * error). A missing collection and 408, 409, 429 are transient but not outages.
     */
    public static boolean isOutage(Throwable error) {
        if (isPermanent(error) || isMissingCollection(error)) {
            return false;
        }
        if (isZooKeeperTrouble(error)) {
            return true;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SolrException se) {
                return se.code() >= 500 || se.code() <= 0;
            }
        }
        return true;
    }

    /**
     * Whether the collection itself is missing: a 400 that no document causes, so it is retried (it may be
     * being created) and then stops the writer rather than rejecting every document.
     */
    private static boolean isMissingCollection(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Collection not found")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the error comes from ZooKeeper (session expired, connection loss), whatever code Solr gave it. */
    private static boolean isZooKeeperTrouble(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("org.apache.zookeeper.")
                    || (t.getMessage() != null && t.getMessage().contains("Could not load collection from ZK"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPermanentCode(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
    }

    /** A short reason for logs and rejected events: the exception's message, abbreviated. */
    public static String reason(Throwable error) {
        String msg = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof CloudSolrClient.RouteException route && route.getThrowables() != null
                && route.getThrowables().size() > 0 && route.getThrowables().getVal(0).getMessage() != null) {
            msg = route.getThrowables().getVal(0).getMessage();
        }
        msg = msg.replaceAll("\\s+", " ").trim();
        return msg.length() <= 600 ? msg : msg.substring(0, 597) + "...";
    }
}
