package io.shardshift.sink.solr;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;
import io.shardshift.sink.solr.internal.ConfigSet;
import io.shardshift.sink.solr.internal.FieldMap;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.common.util.ContentStreamBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates the versioned collections of a search target and moves its alias between them.
 *
 * <p>Life of a target: {@link #createCollection} builds {@code orders_v2} beside the live
 * {@code orders_v1} (the alias {@code orders} still points at v1); the migrator fills v2; at cutover
 * {@link #pointAlias(SolrTargetConfig)} repoints {@code orders} to v2 with one CREATEALIAS, an atomic
 * change of the aliases in ZooKeeper, so a query sees either collection, never neither;
 * {@link #rollbackAlias} points it back; later {@link #deleteCollection} drops v1.
 *
 * <p>Each collection gets its own configset of the same name, generated from the mapping: see
 * {@link io.shardshift.sink.solr.internal.ConfigSet} for the schema, the version guard on {@code _ss_lsn},
 * tombstones, commitWithin and the filter that hides tombstones from searches.
 */
public final class SolrProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(SolrProvisioner.class);

    private final SolrClient client;

    /** @param client a cloud client of the target's cluster; not closed by this class */
    public SolrProvisioner(SolrClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Uploads the configset and creates collection {@code <collection>_v<version>} with the compositeId
     * router, {@code shards} shards and {@code replicas} replicas, and waits until every replica is active.
     * Does nothing when the collection exists already (so it can run again after a crash).
     *
     * @return the collection's name
     * @throws IllegalArgumentException when the mapping does not fit the table
     * @throws SinkException when Solr refuses or cannot be reached
     */
    public String createCollection(SolrTargetConfig config, TableSchema schema) {
        String collection = config.collectionName();
        FieldMap fields = FieldMap.resolve(config, schema);
        if (collectionExists(collection)) {
            LOG.info("Solr target {}: collection {} exists already", config.name(), collection);
            return collection;
        }
        call("upload configset " + collection, () -> {
            ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload()
                    .setConfigSetName(collection)
                    .setUploadStream(new ContentStreamBase.ByteArrayStream(ConfigSet.zip(collection, fields),
                            collection + ".zip", "application/zip"))
                    .setOverwrite(true)
                    .setCleanup(true);
            return upload.process(client);
        });
        call("create collection " + collection, () -> {
            CollectionAdminRequest.Create create = CollectionAdminRequest
                    .createCollection(collection, collection, config.shards(), config.replicas())
                    .setRouterName("compositeId");
            create.setWaitForFinalState(true);
            return create.process(client);
        });
        LOG.info("Solr target {}: created collection {} ({} shard(s) x {} replica(s), {} mapped field(s))",
                config.name(), collection, config.shards(), config.replicas(), fields.columns().size());
        return collection;
    }

    /**
     * Points the target's alias at this config's collection (CREATEALIAS, atomic).
     *
     * @return the collection the alias pointed at before, if any
     */
    public Optional<String> pointAlias(SolrTargetConfig config) {
        return pointAlias(config.alias(), config.collectionName());
    }

    /**
     * Points the alias back at the collection of {@code previousVersion}.
     *
     * @return the collection the alias pointed at before the rollback, if any
     * @throws IllegalStateException when that collection no longer exists
     */
    public Optional<String> rollbackAlias(SolrTargetConfig config, int previousVersion) {
        return pointAlias(config.alias(), config.collectionName(previousVersion));
    }

    /**
     * Points an alias at a collection (creating or replacing the alias in one step).
     *
     * @return the collection the alias pointed at before, if any
     * @throws IllegalStateException when the collection does not exist
     */
    public Optional<String> pointAlias(String alias, String collection) {
        if (!collectionExists(collection)) {
            throw new IllegalStateException("cannot point alias " + alias + " at " + collection + ": no such collection");
        }
        Optional<String> before = aliasTarget(alias);
        call("point alias " + alias + " at " + collection,
                () -> CollectionAdminRequest.createAlias(alias, collection).process(client));
        LOG.info("Solr alias {} now points at {} (was {})", alias, collection, before.orElse("nothing"));
        return before;
    }

    /** The collection(s) an alias points at, comma-separated as Solr keeps them, or empty. */
    public Optional<String> aliasTarget(String alias) {
        Map<String, String> aliases = aliases();
        return Optional.ofNullable(aliases.get(alias));
    }

    /** Whether a collection exists. */
    public boolean collectionExists(String collection) {
        List<String> all = call("list collections", () -> CollectionAdminRequest.listCollections(client));
        return all.contains(collection);
    }

    /**
     * Deletes a collection and its configset, e.g. the old version some time after cutover.
     *
     * @throws IllegalStateException when an alias still points at it
     */
    public void deleteCollection(String collection) {
        for (Map.Entry<String, String> alias : aliases().entrySet()) {
            if (List.of(alias.getValue().split(",")).contains(collection)) {
                throw new IllegalStateException("cannot delete collection " + collection + ": alias " + alias.getKey()
                        + " points at it");
            }
        }
        if (collectionExists(collection)) {
            call("delete collection " + collection,
                    () -> CollectionAdminRequest.deleteCollection(collection).process(client));
        }
        List<String> configSets = call("list configsets", () -> new ConfigSetAdminRequest.List().process(client)
                .getConfigSets());
        if (configSets.contains(collection)) {
            call("delete configset " + collection,
                    () -> new ConfigSetAdminRequest.Delete().setConfigSetName(collection).process(client));
        }
        LOG.info("Solr collection {} and its configset deleted", collection);
    }

    /**
     * Removes the tombstones of a collection ({@code deleteByQuery _ss_deleted:true}, which the version guard
     * does not intercept). Only once no event older than the tombstones can still arrive, i.e. after cutover
     * when the change stream into this collection has stopped: a purged tombstone no longer keeps a late
     * snapshot row or a replayed older event out.
     */
    public void purgeTombstones(String collection) {
        call("purge tombstones of " + collection, () -> new UpdateRequest()
                .deleteByQuery(FieldMap.DELETED + ":true")
                .setAction(UpdateRequest.ACTION.COMMIT, false, true, true)
                .process(client, collection));
        LOG.info("Solr collection {}: tombstones purged", collection);
    }

    private Map<String, String> aliases() {
        return call("list aliases", () -> new CollectionAdminRequest.ListAliases().process(client).getAliases());
    }

    private interface SolrCall<T> {
        T run() throws SolrServerException, IOException;
    }

    private static <T> T call(String what, SolrCall<T> action) {
        try {
            return action.run();
        } catch (SolrServerException | IOException | RuntimeException e) {
            throw new SinkException("Solr: cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
