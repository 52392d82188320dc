package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.sink.solr.internal.DocBuilder;
import io.shardshift.sink.solr.internal.DocIds;
import io.shardshift.sink.solr.internal.FieldMap;
import io.shardshift.sink.solr.internal.TruncateFence;
import io.shardshift.sink.solr.internal.UpdateSender;
import org.apache.solr.client.solrj.SolrClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies the change events of one table to a search target's collection ({@code <collection>_v<version>},
 * written directly, not through the alias).
 *
 * <p>Each event becomes a document fenced by its {@link io.shardshift.core.event.SourcePosition#fence()} in
 * {@code _ss_lsn}: the LSN for streamed changes, 0 for snapshot rows. The collection's version guard keeps
 * a document only when its fence is greater than the stored one, so: a stale or replayed event changes
 * nothing; a snapshot row only fills an id that holds nothing (no document, no tombstone); a delete writes
 * a tombstone ({@code _ss_deleted=true}, hidden from searches) that keeps older events and late snapshot
 * rows out. Documents are sent through the cloud client to the shard leaders with {@code commitWithin} and
 * no client commit; see {@link io.shardshift.sink.solr.internal.UpdateSender} for retries and rejections.
 *
 * <p>A delete is sent as its tombstone document ({@code id, _ss_lsn, _ss_deleted=true}) rather than as a
 * delete-by-id: Solr takes a delete's version from a request parameter, one per request, so versioned
 * deletes could not be batched; the version guard treats the tombstone add exactly like the tombstone a
 * versioned delete-by-id leaves. Events of other tables are skipped (one stream may feed several
 * targets); a missing shard key value and a value its field type cannot hold are returned as rejected.
 *
 * <p>A {@code TRUNCATE} raises the collection's {@link TruncateFence} to its LSN before the rest of its batch:
 * every document with an older {@code _ss_lsn} is deleted, and from then on events older than the fence
 * (changes still in flight on other partitions) and snapshot rows (fence 0) are dropped, as a PostgreSQL
 * target's truncate fence keeps them out. Later rows are written as usual.
 *
 * <p>Thread safety: one instance may be used by one thread at a time.
 */
public final class SolrTargetSink implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger(SolrTargetSink.class);

    private final SolrTargetConfig config;
    private final SolrClient client;
    private final boolean ownsClient;
    private final DocBuilder builder;
    private final UpdateSender sender;
    private final TruncateFence truncates;

    /**
     * A sink writing through a client the caller owns (and closes).
     *
     * @throws IllegalArgumentException when the mapping does not fit the table
     */
    public SolrTargetSink(SolrTargetConfig config, TableSchema schema, SolrClient client) {
        this(config, schema, client, false, false);
    }

    private SolrTargetSink(SolrTargetConfig config, TableSchema schema, SolrClient client, boolean ownsClient,
                           boolean outagesToCaller) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.truncates = new TruncateFence(client, config.collectionName(), config.name(), config.commitWithinMs(),
                config.maxRetries(), config.retryBackoffMs(), outagesToCaller);
        FieldMap fields = FieldMap.resolve(config, schema);
        DocIds ids = new DocIds(schema.primaryKey(), config.shardKey(), config.hotTenants());
        this.builder = new DocBuilder(config.name(), config.tableId(), fields, ids);
        this.sender = new UpdateSender(client, config.collectionName(), config.name(), config.commitWithinMs(),
                config.batchSize(), config.maxRetries(), config.retryBackoffMs(), outagesToCaller);
    }

    /** A sink with its own cloud client from the config, closed with the sink. */
    public static SolrTargetSink open(SolrTargetConfig config, TableSchema schema) {
        return open(config, schema, SolrClients.forTarget(config), false);
    }

    /**
     * A sink for apply, which waits out outages itself: an outage is retried once, then thrown as
     * {@link io.shardshift.core.sink.TargetUnavailableException}; a request that gets no answer within
     * {@link SpecDefaults#APPLY_SOCKET_TIMEOUT} fails (a network stall), to be tried again.
     */
    public static SolrTargetSink openForApply(SolrTargetConfig config, TableSchema schema) {
        return open(config, schema, SolrClients.forApply(config, SpecDefaults.APPLY_SOCKET_TIMEOUT), true);
    }

    private static SolrTargetSink open(SolrTargetConfig config, TableSchema schema, SolrClient client,
                                       boolean outagesToCaller) {
        try {
            return new SolrTargetSink(config, schema, client, true, outagesToCaller);
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    /** The collection this sink writes to. */
    public String collection() {
        return config.collectionName();
    }

    @Override
    public List<RejectedEvent> apply(List<ChangeEvent> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        long fence = truncates.read();
        long truncatedAt = batch.stream().filter(e -> e.op() == Operation.TRUNCATE && e.table().equals(config.tableId()))
                .mapToLong(e -> e.position().fence()).max().orElse(0L);
        if (truncatedAt > fence) {
            truncates.raise(truncatedAt);
            fence = truncatedAt;
        }
        long kept = fence;
        List<ChangeEvent> live = batch.stream().filter(e -> !(e.op() == Operation.TRUNCATE
                && e.table().equals(config.tableId())) && e.position().fence() >= kept).toList();
        DocBuilder.Result built = builder.build(live);
        List<RejectedEvent> rejected = new ArrayList<>(built.rejected());
        rejected.addAll(sender.send(built.docs()));
        if (!built.docs().isEmpty()) {
            long after = truncates.read();
            if (after > fence) {
                truncates.deleteBelow(after);
            }
        }
        if (!rejected.isEmpty()) {
            LOG.warn("Solr target {}: {} of {} event(s) rejected", config.name(), rejected.size(), batch.size());
        }
        return rejected;
    }

    @Override
    public void close() {
        if (ownsClient) {
            closeQuietly(client);
        }
    }

    private static void closeQuietly(SolrClient client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.warn("closing the Solr client failed: {}", e.toString());
        }
    }
}
