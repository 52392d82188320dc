package io.shardshift.sink.solr;

import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.contract.AbstractChangeSinkContract;
import io.shardshift.core.sink.contract.Items;
import io.shardshift.devstack.DevSolr;
import io.shardshift.sink.solr.internal.FieldMap;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sink contract on a real two-node SolrCloud: each test writes {@link Items#SCHEMA} into a collection of
 * its own ({@code items_N_v1}, 2 shards, shard key {@code id}, default field mapping).
 *
 * <p>A row is read back with real-time get, which sees every acknowledged write; a tombstone is no row. The
 * row count commits first, so a search sees every acknowledged write, then counts what searches see
 * (tombstones are filtered out by the collection's query handlers).
 */
class SolrChangeSinkContractIT extends AbstractChangeSinkContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static DevSolr solr;
    private static CloudSolrClient client;
    private SolrTargetConfig config;

    @BeforeAll
    static void startSolr() {
        solr = SharedSolr.get();
        client = solr.client();
    }

    @Override
    protected ChangeSink openSinkOnEmptyTarget() {
        config = SolrTargetConfig.of("items-search", solr.zkHost(), "items_" + COUNTER.incrementAndGet(), 1, 2,
                Items.ID.toString(), "id");
        new SolrProvisioner(client).createCollection(config, Items.SCHEMA);
        return new SolrTargetSink(config, Items.SCHEMA, client);
    }

    @AfterEach
    void dropCollection() {
        if (config != null) {
            new SolrProvisioner(client).deleteCollection(config.collectionName());
        }
    }

    @Override
    protected Optional<Map<String, String>> storedRow(long id) {
        String docId = SolrDocuments.of(config, Items.SCHEMA).idOf(Items.key(id));
        SolrDocument doc;
        try {
            doc = client.getById(config.collectionName(), docId);
        } catch (Exception e) {
            throw new AssertionError("real-time get of " + docId + " failed", e);
        }
        if (doc == null || Boolean.TRUE.equals(doc.getFieldValue(SolrDocuments.DELETED_FIELD))) {
            return Optional.empty();
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (FieldMap.Column c : FieldMap.resolve(config, Items.SCHEMA).columns()) {
            row.put(c.column(), postgresText(c, doc.getFieldValue(c.field())));
        }
        return Optional.of(row);
    }

    @Override
    protected long storedRowCount() {
        try {
            client.commit(config.collectionName());
            return client.query(config.collectionName(), new SolrQuery("*:*").setRows(0)).getResults().getNumFound();
        } catch (Exception e) {
            throw new AssertionError("counting the documents of " + config.collectionName() + " failed", e);
        }
    }

    /** The text PostgreSQL prints for a stored value; only the types {@link Items#SCHEMA} maps to. */
    private static String postgresText(FieldMap.Column column, Object value) {
        if (value == null || value instanceof String || value instanceof Integer || value instanceof Long) {
            return value == null ? null : value.toString();
        }
        throw new AssertionError("no PostgreSQL text form for " + value.getClass().getName() + " of column "
                + column.column());
    }
}
