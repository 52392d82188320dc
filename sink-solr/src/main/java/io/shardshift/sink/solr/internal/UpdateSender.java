package io.shardshift.sink.solr.internal;

import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.TargetUnavailableException;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sends documents to a collection in update requests of {@code batchSize}, with {@code commitWithin} and
 * never a client commit. A cloud client splits each request by shard and sends the parts to the shard
 * leaders in parallel.
 *
 * <p>Transient errors are retried with exponential backoff, the whole request each time; that is safe
 * because every document carries its fence and Solr's version guard drops what it already holds. An
 * {@linkplain SolrErrors#isOutage outage} (Solr not answering, a 5xx) that outlasts the retries is thrown as
 * {@link TargetUnavailableException}; a sender that hands outages to its caller retries it once only and
 * leaves the waiting to the caller. When a
 * request fails permanently (Solr answers 4xx, e.g. a value its field rejects), its documents are sent
 * one by one and only the failing ones are returned, each with Solr's reason.
 */
public final class UpdateSender {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateSender.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final SolrClient client;
    private final String collection;
    private final String target;
    private final int commitWithinMs;
    private final int batchSize;
    private final int maxRetries;
    private final long backoffMs;
    private final boolean outagesToCaller;

    /**
     * @param client         a (cloud) client
     * @param collection     the collection written to
     * @param target         the target's name, for logs and rejections
     * @param commitWithinMs the commitWithin of every request
     * @param batchSize      documents per request
     * @param maxRetries     retries of a request on transient errors
     * @param backoffMs      the first retry delay, doubled on each retry up to 10 s
     * @param outagesToCaller whether an outage is thrown after one retry (the caller waits it out) rather than
     *                        after {@code maxRetries}
     */
    public UpdateSender(SolrClient client, String collection, String target, int commitWithinMs, int batchSize,
                        int maxRetries, long backoffMs, boolean outagesToCaller) {
        this.client = Objects.requireNonNull(client, "client");
        this.collection = Objects.requireNonNull(collection, "collection");
        this.target = Objects.requireNonNull(target, "target");
        this.commitWithinMs = commitWithinMs;
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.outagesToCaller = outagesToCaller;
    }

    /**
     * Sends the documents.
     *
     * @return the documents Solr rejected permanently, as rejected events with Solr's reason
     * @throws TargetUnavailableException when Solr cannot be reached
     * @throws SinkException when another transient error outlasts the retries
     */
    public List<RejectedEvent> send(List<PendingDoc> docs) {
        List<RejectedEvent> rejected = new ArrayList<>();
        for (int from = 0; from < docs.size(); from += batchSize) {
            List<PendingDoc> chunk = docs.subList(from, Math.min(docs.size(), from + batchSize));
            Exception permanent = sendWithRetries(chunk);
            if (permanent == null) {
                continue;
            }
            LOG.warn("Solr target {}: collection {} rejected a request of {} document(s) ({}); sending them one by one",
                    target, collection, chunk.size(), SolrErrors.reason(permanent));
            for (PendingDoc doc : chunk) {
                Exception error = chunk.size() == 1 ? permanent : sendWithRetries(List.of(doc));
                if (error != null) {
                    String reason = "Solr rejected document " + doc.id() + " of table " + doc.event().table() + " at "
                            + doc.event().position() + " in collection " + collection + ": " + SolrErrors.reason(error);
                    LOG.warn("Solr target {}: {}", target, reason);
                    rejected.add(new RejectedEvent(doc.event(), target, reason));
                }
            }
        }
        return rejected;
    }

    /** Sends one request, retrying transient errors; returns the permanent error, or null when it went through. */
    private Exception sendWithRetries(List<PendingDoc> docs) {
        long delay = backoffMs;
        for (int attempt = 0; ; attempt++) {
            try {
                UpdateRequest request = new UpdateRequest();
                for (PendingDoc d : docs) {
                    request.add(d.doc());
                }
                request.setCommitWithin(commitWithinMs);
                request.process(client, collection);
                return null;
            } catch (Exception e) {
                if (SolrErrors.isPermanent(e)) {
                    return e;
                }
                PendingDoc first = docs.get(0);
                if (SolrErrors.isOutage(e) && attempt >= (outagesToCaller ? Math.min(1, maxRetries) : maxRetries)) {
                    throw new TargetUnavailableException(target, "Solr target " + target + ": writing "
                            + docs.size() + " document(s) to " + collection + " (first " + first.id() + " at "
                            + first.event().position() + ") failed: " + SolrErrors.reason(e), e);
                }
                if (attempt >= maxRetries) {
                    throw new SinkException("Solr target " + target + ": writing " + docs.size() + " document(s) to "
                            + collection + " (first " + first.id() + " of table " + first.event().table() + " at "
                            + first.event().position() + ") failed after " + (attempt + 1) + " attempt(s): "
                            + SolrErrors.reason(e), e);
                }
                LOG.warn("Solr target {}: writing {} document(s) to {} failed ({}), retry {}/{} in {} ms", target,
                        docs.size(), collection, SolrErrors.reason(e), attempt + 1, maxRetries, delay);
                pause(delay);
                delay = Math.min(MAX_BACKOFF_MS, Math.max(1, delay * 2));
            }
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("Solr target " + target + ": interrupted while waiting to retry a write to "
                    + collection, e);
        }
    }
}
