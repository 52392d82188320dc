package io.shardshift.client;

import io.shardshift.core.event.KeyText;
import io.shardshift.core.layout.Layout;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ShardKeyTextTest {

    @Test
    void shouldGiveTheMigratorsKeyTextAndTargetForCommonJavaValues() {
        Random random = new Random(7);
        List<Object> values = new ArrayList<>(List.of(true, false, 0.1, 1e20, 100.0, -0.0, 1.5e-5, 123456789f,
                new BigDecimal("1.50"), new BigDecimal("-12345678901234567890.123"),
                UUID.fromString("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), Instant.parse("2024-03-01T10:15:30.123456Z"),
                OffsetDateTime.parse("2024-03-01T15:45:30+05:30"), LocalDateTime.of(-43, 3, 15, 10, 0),
                LocalDate.of(2024, 3, 1), LocalTime.of(10, 15, 30, 500_000_000), 42L, "acme", new byte[] {1, 2}));
        for (int i = 0; i < 2000; i++) {
            values.add(Double.longBitsToDouble(random.nextLong()));
            values.add(Float.intBitsToFloat(random.nextInt()));
            values.add(Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000) * 1000L));
            values.add(new UUID(random.nextLong(), random.nextLong()));
        }
        Layout core = Layout.evenRanges(2, "k", 64, List.of("a", "b", "c", "d"), Map.of());
        RoutingLayout client = new RoutingLayout(2, "k", 64, core.bucketTargets(), Map.of());
        for (Object v : values) {
            assertThat(ShardKeyText.of(v)).as("text of %s", v).isEqualTo(KeyText.of(v));
            assertThat(client.targetForValue(v)).as("target of %s", v).isEqualTo(core.targetFor(KeyText.of(v)));
        }
        assertThat(ShardKeyText.interval(-14, 3, -14_706_000_000L)).isEqualTo(KeyText.interval(-14, 3, -14_706_000_000L));
    }
}
