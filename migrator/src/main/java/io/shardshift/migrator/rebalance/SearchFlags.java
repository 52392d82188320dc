package io.shardshift.migrator.rebalance;

import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.cutover.ConfigPublisher;
import io.shardshift.migrator.cutover.CutoverResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes the state of a search rebalance under {@link ConfigKeys#SEARCH_REBALANCE_CUTOVER} on the base
 * spec's config topic (the one applications follow), so applications that index documents themselves know
 * whether to write both collections:
 * <pre>{@code
 * {"alias":"orders","collection":"orders","new_collection":"orders_v3","dual_write":true,
 *  "state":"filling","rebalance":"orders_search_1","atMillis":...}
 * }</pre>
 * {@code state} is {@code filling} once the new collection exists (with {@code dual_write} true, write both
 * the alias' collection and {@code new_collection}), {@code cut-over} once the alias serves
 * {@code new_collection} (write through the alias alone), {@code rolled-back} once it serves the old one
 * again (stop writing {@code new_collection}). The migrator fills the new collection from the change stream
 * in every case; dual writes only make the application's own documents appear there sooner.
 */
class SearchFlags implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchFlags.class);

    private final MigrationSpec base;
    private ConfigPublisher publisher;

    SearchFlags(MigrationSpec base) {
        this.base = base;
    }

    /** The new collection exists and is being filled. */
    void filling(String rebalance, String alias, String newCollection, boolean dualWrite) {
        publish(rebalance, alias, newCollection, dualWrite, "filling");
    }

    /** After a cutover or rollback: publishes the new state if it completed. */
    void afterSwitch(String rebalance, String alias, String newCollection, boolean dualWrite, CutoverResult result) {
        if (result.completed()) {
            publish(rebalance, alias, newCollection, dualWrite,
                    "rollback".equals(result.kind()) ? Rebalance.ROLLED_BACK : Rebalance.CUT_OVER);
        }
    }

    private synchronized void publish(String rebalance, String alias, String newCollection, boolean dualWrite, String state) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("alias", alias);
        value.put("collection", alias);
        value.put("new_collection", newCollection);
        value.put("dual_write", dualWrite);
        value.put("state", state);
        value.put("rebalance", rebalance);
        value.put("atMillis", System.currentTimeMillis());
        try {
            if (publisher == null) {
                publisher = ConfigPublisher.create(base.kafka().bootstrapServers(), ConfigKeys.topic(base.topicPrefix()),
                        base.replicationFactor(), Duration.ofSeconds(10));
            }
            publisher.publishFlag(ConfigKeys.SEARCH_REBALANCE_CUTOVER, value);
            LOG.info("config topic {}: {} = {}", publisher.topic(), ConfigKeys.SEARCH_REBALANCE_CUTOVER, value);
        } catch (RuntimeException e) {
            LOG.warn("cannot publish {} for rebalance {}: {}", ConfigKeys.SEARCH_REBALANCE_CUTOVER, rebalance, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
