package io.shardshift.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where {@link SearchAliasSwap} points an alias, with the previous collection kept on a config topic (a map of the
 * latest JSON value per key, as a compacted topic keeps it): a controller started again after the cutover, with a
 * new {@link ConfigTopicCollections} on the same topic, swaps the alias back.
 */
class SearchAliasSwapTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, JsonNode> topic = new HashMap<>();

    @TempDir
    Path dir;

    private ConfigTopicCollections onTopic(AuditTrail audit) {
        return new ConfigTopicCollections((key, value) -> topic.put(key, JSON.valueToTree(value)),
                key -> Optional.ofNullable(topic.get(key)), audit);
    }

    @Test
    void shouldSwapTheAliasBackAfterARestartFromWhatTheConfigTopicKept() throws Exception {
        try (AuditTrail audit = AuditTrail.toFile(dir.resolve("audit.jsonl"))) {
            Optional<String> forward = SearchAliasSwap.destination(true, "orders", "orders_v2", Optional.of("orders_v1"),
                    2, onTopic(audit));
            assertThat(forward).contains("orders_v2");
        }

        Optional<String> back = SearchAliasSwap.destination(false, "orders", "orders_v2", Optional.of("orders_v2"), 1,
                onTopic(null));

        assertThat(back).contains("orders_v1");
        assertThat(topic.get("search.alias.previous.orders").path("collection").asText()).isEqualTo("orders_v1");
        assertThat(topic.get("search.alias.previous.orders").path("generation").asLong()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("audit.jsonl")))
                .containsPattern("\"alias\":\"orders\",\"collection\":\"orders_v1\"[^\\n]*\"step\":\"alias-previous\"");
    }

    @Test
    void shouldKeepTheEarlierCollectionWhenACutoverIsRunAgainWithTheAliasMovedAlready() {
        ConfigTopicCollections memory = onTopic(null);
        SearchAliasSwap.destination(true, "orders", "orders_v2", Optional.of("orders_v1"), 2, memory);

        SearchAliasSwap.destination(true, "orders", "orders_v2", Optional.of("orders_v2"), 2, memory);

        assertThat(memory.recall("orders")).contains("orders_v1");
    }

    @Test
    void shouldRefuseToLeaveTheAliasOnTheNewCollectionWhenNothingWasKept() {
        assertThatThrownBy(() -> SearchAliasSwap.destination(false, "orders", "orders_v2", Optional.of("orders_v2"), 1,
                onTopic(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot point search alias orders back: it points at orders_v2 and the collection it pointed"
                        + " to before the cutover is not recorded");
    }

    @Test
    void shouldLeaveAnAliasTheCutoverCreatedOnTheNewCollectionAfterARestart() {
        SearchAliasSwap.destination(true, "orders", "orders_v2", Optional.empty(), 2, onTopic(null));

        Optional<String> back = SearchAliasSwap.destination(false, "orders", "orders_v2", Optional.of("orders_v2"), 1,
                onTopic(null));

        assertThat(back).isEmpty();
        assertThat(topic.get("search.alias.previous.orders").path("collection").asText()).isEqualTo(PreviousCollections.NONE);
    }

    @Test
    void shouldLeaveAnAliasThatNeverMovedWhereItIs() {
        assertThat(SearchAliasSwap.destination(false, "orders", "orders_v2", Optional.of("orders_v1"), 1, onTopic(null)))
                .isEmpty();
        assertThat(SearchAliasSwap.destination(false, "orders", "orders_v2", Optional.empty(), 1, onTopic(null))).isEmpty();
    }
}
