package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {
    private static final Pattern KAFKA = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    @Test
    void shouldKeepPlainNamesAndEscapeEverythingElse() {
        assertThat(TopicNames.tableTopic("p.changes", new TableId("public", "orders"))).isEqualTo("p.changes.public.orders");
        assertThat(TopicNames.tableTopic("p.changes", new TableId("public", "Order Items")))
                .isEqualTo("p.changes.public.Order-20Items");
        assertThat(TopicNames.escape("a.b")).isEqualTo("a-2Eb");
        assertThat(TopicNames.escape("a-b")).isEqualTo("a-2Db");
        assertThat(TopicNames.escape("é")).isEqualTo("-C3-A9");
    }

    @Test
    void shouldNeverMapTwoTablesToOneTopic() {
        List<TableId> tricky = List.of(new TableId("a", "b.c"), new TableId("a.b", "c"), new TableId("a", "b-2Ec"),
                new TableId("a", "b-c"), new TableId("a", "b c"), new TableId("a", "b_c"), new TableId("A", "b.c"),
                new TableId("a-2E", "b"), new TableId("a.", "b"), new TableId("a", "-2E"), new TableId("a", "."),
                new TableId("x".repeat(63), "y".repeat(63)), new TableId("x".repeat(63), "y".repeat(62) + "z"),
                new TableId(".".repeat(63), ".".repeat(63)), new TableId(".".repeat(63), ".".repeat(62) + "-"));
        Map<String, TableId> seen = new HashMap<>();
        for (TableId id : tricky) {
            String topic = TopicNames.tableTopic("shardshift.some_migration.changes", id);
            assertThat(topic).as(id.toString()).matches(KAFKA);
            assertThat(seen.put(topic, id)).as(id + " and " + seen.get(topic)).isNull();
        }
    }

    @Test
    void shouldNeverMapTwoRandomNamesToOneTopic() {
        Random random = new Random(42);
        String alphabet = "aA._- \"-2E$é";
        Map<String, TableId> seen = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            TableId id = new TableId(randomName(random, alphabet), randomName(random, alphabet));
            String topic = TopicNames.tableTopic("m.changes", id);
            assertThat(topic).matches(KAFKA);
            TableId before = seen.put(topic, id);
            assertThat(before == null || before.equals(id)).as(id + " and " + before).isTrue();
        }
    }

    private static String randomName(Random random, String alphabet) {
        int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 30 : 4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
