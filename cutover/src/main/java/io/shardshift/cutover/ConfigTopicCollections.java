package io.shardshift.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * {@link PreviousCollections} on the migration's config topic: under {@code search.alias.previous.<alias>}
 * ({@link ConfigKeys#SEARCH_ALIAS_PREVIOUS_PREFIX}), published before the alias moves and read back through the
 * controller's follower (which has caught up with the topic when a controller starts), and written to the audit
 * trail as {@code alias-previous}.
 */
final class ConfigTopicCollections implements PreviousCollections {
    private static final String ACTOR = "cutover";

    private final BiConsumer<String, Map<String, Object>> publish;
    private final Function<String, Optional<JsonNode>> read;
    private final AuditTrail audit;

    /**
     * @param publish publishes a config topic key (and returns once the broker acknowledged it)
     * @param read    the latest value of a config topic key
     * @param audit   the audit trail, or null
     */
    ConfigTopicCollections(BiConsumer<String, Map<String, Object>> publish, Function<String, Optional<JsonNode>> read,
                           AuditTrail audit) {
        this.publish = publish;
        this.read = read;
        this.audit = audit;
    }

    static ConfigTopicCollections of(ConfigPublisher publisher, ConfigFollower follower, AuditTrail audit) {
        return new ConfigTopicCollections(publisher::publishFlag, follower::value, audit);
    }

    @Override
    public void remember(String alias, String collection, long generation) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("alias", alias);
        v.put("collection", collection);
        v.put("generation", generation);
        v.put("atMillis", System.currentTimeMillis());
        publish.accept(ConfigKeys.SEARCH_ALIAS_PREVIOUS_PREFIX + alias, v);
        if (audit != null) {
            audit.append(ACTOR, "alias-previous", LayoutSwitch.details("alias-" + alias, "alias", alias,
                    "collection", collection, "generation", generation));
        }
    }

    @Override
    public Optional<String> recall(String alias) {
        return read.apply(ConfigKeys.SEARCH_ALIAS_PREVIOUS_PREFIX + alias).map(v -> v.path("collection"))
                .filter(JsonNode::isTextual).map(JsonNode::asText);
    }
}
