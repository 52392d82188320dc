package io.shardshift.core.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventCodecTest {
    private static final TableId ORDERS = TableId.parse("public.orders");

    @Test
    void shouldRoundTripAnUpdateWithNullsAndKeyOrder() {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("tenant_id", "acme");
        after.put("id", "42");
        after.put("note", null);
        Map<String, String> key = new LinkedHashMap<>();
        key.put("tenant_id", "acme");
        key.put("id", "42");
        ChangeEvent event = ChangeEvent.update(ORDERS, key, Map.of("id", "42"), after,
                SourcePosition.streamed(123_456L, 7, 1_700_000_000_000L));

        ChangeEvent back = ChangeEventCodec.decode(ChangeEventCodec.encode(event));

        assertThat(back).isEqualTo(event);
        assertThat(back.key().keySet()).containsExactly("tenant_id", "id");
        assertThat(back.after()).containsEntry("note", null);
    }

    @Test
    void shouldEncodeKeyAsJsonArrayOfValues() {
        byte[] key = ChangeEventCodec.encodeKey(List.of("acme", "42"));
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("[\"acme\",\"42\"]");
    }

    @Test
    void shouldNameTheMissingFieldOfABadEvent() {
        assertThatThrownBy(() -> ChangeEventCodec.decode("{\"op\":\"c\",\"table\":\"t\",\"key\":{\"id\":\"1\"},\"after\":{}}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("position");
        assertThatThrownBy(() -> ChangeEventCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ChangeEventCodec.decode("{\"op\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unknown operation code 'x'");
    }

    @Test
    void shouldRejectUpsertWithoutAfterImage() {
        assertThatThrownBy(() -> ChangeEvent.of(Operation.CREATE, ORDERS, Map.of("id", "1"), null, null,
                SourcePosition.streamed(1, 1, 1))).hasMessageContaining("no 'after' row");
    }
}
