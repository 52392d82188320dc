package io.shardshift.sink.solr.internal;

import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.TargetUnavailableException;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The truncate fence of a collection (which holds one table): the LSN of the newest {@code TRUNCATE} applied,
 * kept in Solr as a hidden tombstone document {@value #ID} ({@code _ss_lsn} = the LSN, {@code _ss_deleted=true}),
 * so every writer of the collection sees it, and the version guard never lowers it.
 *
 * <p>Raising the fence first stores it, then deletes every document (live or tombstone) whose {@code _ss_lsn}
 * is below it. A writer reads the fence before a batch (and drops the batch's older events and all snapshot
 * rows) and again after it: when another writer raised it meanwhile, it deletes below the new fence once more,
 * so an older document it wrote just after that writer's delete is removed too. Ids are never {@value #ID}:
 * row ids always contain {@code !}.
 */
public final class TruncateFence {
    /** The id of the fence document. */
    public static final String ID = "_ss_truncate";
    private static final Logger LOG = LoggerFactory.getLogger(TruncateFence.class);

    private final SolrClient client;
    private final String collection;
    private final String target;
    private final int commitWithinMs;
    private final int maxRetries;
    private final long backoffMs;
    private final boolean outagesToCaller;

    /**
     * @param maxRetries      retries of a request on transient errors (as {@link UpdateSender})
     * @param backoffMs       the first retry delay, doubled on each retry up to 10 s
     * @param outagesToCaller whether an outage (Solr not answering, a 5xx) is thrown as
     *                        {@link TargetUnavailableException} after one retry, for apply to wait out, as
     *                        {@link UpdateSender} does
     */
    public TruncateFence(SolrClient client, String collection, String target, int commitWithinMs, int maxRetries,
                         long backoffMs, boolean outagesToCaller) {
        this.client = Objects.requireNonNull(client, "client");
        this.collection = Objects.requireNonNull(collection, "collection");
        this.target = Objects.requireNonNull(target, "target");
        this.commitWithinMs = commitWithinMs;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.outagesToCaller = outagesToCaller;
    }

    /** The fence's LSN (real-time get), 0 when the table was never truncated. */
    public long read() {
        SolrDocument doc = retrying("reading the truncate fence", () -> client.getById(collection, ID));
        Object lsn = doc == null ? null : doc.getFirstValue(FieldMap.FENCE);
        return lsn instanceof Number n ? n.longValue() : 0L;
    }

    /** Stores a fence of {@code lsn} (kept only if higher than the stored one) and deletes what is below it. */
    public void raise(long lsn) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(FieldMap.ID, ID);
        doc.setField(FieldMap.FENCE, lsn);
        doc.setField(FieldMap.DELETED, Boolean.TRUE);
        UpdateRequest store = new UpdateRequest();
        store.add(doc);
        store.setCommitWithin(commitWithinMs);
        run(store, "storing the truncate fence " + lsn);
        deleteBelow(lsn);
    }

    /** Deletes every document of the collection whose {@code _ss_lsn} is below {@code lsn}. */
    public void deleteBelow(long lsn) {
        UpdateRequest delete = new UpdateRequest();
        delete.deleteByQuery(FieldMap.FENCE + ":[* TO " + (lsn - 1) + "]");
        delete.setCommitWithin(commitWithinMs);
        run(delete, "deleting the documents below the truncate fence " + lsn);
        LOG.info("Solr target {}: removed the documents of {} older than the truncate at LSN {}", target, collection,
                lsn);
    }

    private void run(UpdateRequest request, String what) {
        retrying(what, () -> request.process(client, collection));
    }

    /** Runs a request, retrying transient errors with backoff; a permanent one or the last failure is thrown. */
    private <T> T retrying(String what, Request<T> request) {
        long delay = backoffMs;
        for (int attempt = 0; ; attempt++) {
            try {
                return request.run();
            } catch (Exception e) {
                if (SolrErrors.isOutage(e) && attempt >= (outagesToCaller ? Math.min(1, maxRetries) : maxRetries)) {
                    throw new TargetUnavailableException(target, "Solr target " + target + ": " + what + " in "
                            + collection + " failed: " + SolrErrors.reason(e), e);
                }
                if (SolrErrors.isPermanent(e) || attempt >= maxRetries) {
                    throw new SinkException("Solr target " + target + ": " + what + " in " + collection + " failed after "
                            + (attempt + 1) + " attempt(s): " + SolrErrors.reason(e), e);
                }
                LOG.warn("Solr target {}: {} in {} failed ({}), retry {}/{} in {} ms", target, what, collection,
                        SolrErrors.reason(e), attempt + 1, maxRetries, delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new SinkException("Solr target " + target + ": interrupted while " + what, interrupted);
                }
                delay = Math.min(10_000L, Math.max(1, delay * 2));
            }
        }
    }

    /** A Solr request. */
    private interface Request<T> {
        T run() throws Exception;
    }
}
