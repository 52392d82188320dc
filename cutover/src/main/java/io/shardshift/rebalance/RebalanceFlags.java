package io.shardshift.rebalance;

import io.shardshift.core.spec.SpecDefaults;

import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.ConfigPublisher;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.SwitchKind;
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
 *
 * <p>It also publishes the state of a tenant rehome under {@link ConfigKeys#DB_REHOME_ROLLBACK}:
 * {@code {"tenant":"acme","from":"source","to":"pg_c","rolledBack":false,"rebalance":"orders_rehome_2","atMillis":..}}
 * after each completed cutover ({@code rolledBack} false: the tenant lives on {@code to}) and rollback
 * ({@code rolledBack} true: it lives on the source again).
 */
class RebalanceFlags implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceFlags.class);
    private static final String FILLING = "filling";

    private final MigrationSpec base;
    private ConfigPublisher publisher;

    RebalanceFlags(MigrationSpec base) {
        this.base = base;
    }

    /** The new collection exists and is being filled. */
    void filling(String rebalance, String alias, String newCollection, boolean dualWrite) {
        publish(rebalance, alias, newCollection, dualWrite, FILLING);
    }

    /** After a cutover or rollback: publishes the new state if it completed. */
    void afterSwitch(String rebalance, String alias, String newCollection, boolean dualWrite, CutoverResult result) {
        if (result.completed()) {
            publish(rebalance, alias, newCollection, dualWrite, RebalancePhase.after(result.kind()).wireName());
        }
    }

    /** After a tenant rehome's cutover or rollback: publishes where the tenant lives if it completed. */
    void afterRehome(String rebalance, String tenant, String target, CutoverResult result) {
        if (!result.completed()) {
            return;
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("tenant", tenant);
        value.put("from", "source");
        value.put("to", target);
        value.put("rolledBack", result.kind() == SwitchKind.ROLLBACK);
        value.put("rebalance", rebalance);
        value.put("atMillis", System.currentTimeMillis());
        publishFlag(ConfigKeys.DB_REHOME_ROLLBACK, value, rebalance);
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
        publishFlag(ConfigKeys.SEARCH_REBALANCE_CUTOVER, value, rebalance);
    }

    private synchronized void publishFlag(String key, Map<String, Object> value, String rebalance) {
        try {
            if (publisher == null) {
                publisher = ConfigPublisher.create(base.kafka().bootstrapServers(), ConfigKeys.topic(base.topicPrefix()),
                        base.replicationFactor(), SpecDefaults.CUTOVER_PUBLISH_TIMEOUT);
            }
            publisher.publishFlag(key, value);
            LOG.info("config topic {}: {} = {}", publisher.topic(), key, value);
        } catch (RuntimeException e) {
            LOG.warn("cannot publish {} for rebalance {}: {}", key, rebalance, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
