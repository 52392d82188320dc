package io.shardshift.cdc.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebeziumEventConverterTest {
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final Schema ROW = SchemaBuilder.struct().name("srv.public.orders.Value").optional()
            .field("tenant_id", Schema.STRING_SCHEMA)
            .field("id", Schema.INT64_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();
    private static final Schema KEY = SchemaBuilder.struct().name("srv.public.orders.Key")
            .field("id", Schema.INT64_SCHEMA)
            .field("tenant_id", Schema.STRING_SCHEMA)
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();

    private final DebeziumEventConverter converter =
            new DebeziumEventConverter(Map.of(ORDERS, List.of("tenant_id", "id")));

    @Test
    void shouldConvertInsertWithPositionAndKeyInPrimaryKeyOrder() {
        Struct after = row("acme", 42L, "hello", null);

        ChangeEvent event = converter.convert(key(42L, "acme"), envelope(ROW, "c", null, after, 5000L, 77L, 1_700_000L));

        assertThat(event.op()).isEqualTo(Operation.CREATE);
        assertThat(event.table()).isEqualTo(ORDERS);
        assertThat(event.key()).containsExactly(Map.entry("tenant_id", "acme"), Map.entry("id", "42"));
        assertThat(event.keyValues()).containsExactly("acme", "42");
        assertThat(event.before()).isNull();
        assertThat(event.after()).containsEntry("note", "hello").containsEntry("payload", null);
        assertThat(event.position()).isEqualTo(SourcePosition.streamed(5000L, 77L, 1_700_000L));
        assertThat(event.position().snapshot()).isFalse();
    }

    @Test
    void shouldConvertUpdateWithBothImages() {
        Struct before = row("acme", 42L, "old", null);
        Struct after = row("acme", 42L, "new", null);

        ChangeEvent event = converter.convert(key(42L, "acme"), envelope(ROW, "u", before, after, 6000L, 78L, 1L));

        assertThat(event.op()).isEqualTo(Operation.UPDATE);
        assertThat(event.before()).containsEntry("note", "old");
        assertThat(event.after()).containsEntry("note", "new");
    }

    @Test
    void shouldConvertDeleteToKeyAndBeforeImageOnly() {
        Struct before = row("acme", 42L, "gone", null);

        ChangeEvent event = converter.convert(key(42L, "acme"), envelope(ROW, "d", before, null, 7000L, 79L, 1L));

        assertThat(event.op()).isEqualTo(Operation.DELETE);
        assertThat(event.key()).containsExactly(Map.entry("tenant_id", "acme"), Map.entry("id", "42"));
        assertThat(event.before()).containsEntry("tenant_id", "acme").containsEntry("note", "gone");
        assertThat(event.after()).isNull();
    }

    @Test
    void shouldMapReadCode() {
        ChangeEvent event = converter.convert(key(1L, "a"), envelope(ROW, "r", null, row("a", 1L, null, null), 1L, 1L, 1L));

        assertThat(event.op()).isEqualTo(Operation.READ);
    }

    @Test
    void shouldFillUnavailableToastValueFromBeforeImage() {
        byte[] oldBytes = {1, 2, 3};
        Struct before = row("acme", 42L, "a very long toasted text", oldBytes);
        Struct after = row("acme", 42L, DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER,
                DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8));

        ChangeEvent event = converter.convert(key(42L, "acme"), envelope(ROW, "u", before, after, 8000L, 80L, 1L));

        assertThat(event.after()).containsEntry("note", "a very long toasted text").containsEntry("payload", "\\x010203");
    }

    @Test
    void shouldRecognizeEveryPlaceholderForm() {
        byte[] bytes = DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
        List<Integer> asInts = new java.util.ArrayList<>();
        for (byte b : bytes) {
            asInts.add((int) b);
        }

        assertThat(DebeziumEventConverter.isUnavailable(DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER)).isTrue();
        assertThat(DebeziumEventConverter.isUnavailable(ByteBuffer.wrap(bytes))).isTrue();
        assertThat(DebeziumEventConverter.isUnavailable(List.of(DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER))).isTrue();
        assertThat(DebeziumEventConverter.isUnavailable(asInts)).isTrue();
        assertThat(DebeziumEventConverter.isUnavailable(java.util.UUID.nameUUIDFromBytes(bytes).toString())).isTrue();
        assertThat(DebeziumEventConverter.isUnavailable("ordinary text")).isFalse();
        assertThat(DebeziumEventConverter.isUnavailable(List.of("a", "b"))).isFalse();
    }

    @Test
    void shouldConvertTruncateToAKeylessEventWithItsLsn() {
        ChangeEvent truncate = converter.convert(null, envelope(ROW, "t", null, null, 77L, 5L, 9L));

        assertThat(truncate.op()).isEqualTo(Operation.TRUNCATE);
        assertThat(truncate.key()).isEmpty();
        assertThat(truncate.before()).isNull();
        assertThat(truncate.after()).isNull();
        assertThat(truncate.position().lsn()).isEqualTo(77L);
        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(truncate))).isEqualTo(truncate);
    }

    @Test
    void shouldSkipHeartbeatAndTombstone() {
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "t", null, KEY, key(1L, "a"), null, null);

        assertThat(converter.convert(null, new Struct(heartbeat).put("ts_ms", 1L))).isNull();
        assertThat(converter.convert(tombstone)).isNull();
    }

    @Test
    void shouldConvertSourceRecord() {
        Struct value = envelope(ROW, "c", null, row("acme", 1L, null, null), 10L, 2L, 3L);
        SourceRecord record = new SourceRecord(Map.of(), Map.of("lsn", 10L), "t", null, KEY, key(1L, "acme"),
                value.schema(), value);

        assertThat(converter.convert(record).keyValues()).containsExactly("acme", "1");
    }

    @Test
    void shouldUseKeyStructOrderForUnknownTable() {
        DebeziumEventConverter noSchemas = new DebeziumEventConverter(Map.of());

        ChangeEvent event = noSchemas.convert(key(5L, "acme"), envelope(ROW, "c", null, row("acme", 5L, null, null), 1L, 1L, 1L));

        assertThat(event.keyValues()).containsExactly("5", "acme");
    }

    @Test
    void shouldNameTableAndLsnWhenEnvelopeIsMalformed() {
        assertThatThrownBy(() -> converter.convert(null, envelope(ROW, "x", null, row("a", 1L, null, null), 4096L, 1L, 1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("public.orders").hasMessageContaining("0/1000");
    }

    @Test
    void shouldConvertEveryColumnTypeToPostgresText() {
        Schema pointSchema = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").optional()
                .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        Schema row = SchemaBuilder.struct().optional()
                .field("tenant_id", Schema.STRING_SCHEMA)
                .field("id", Schema.INT64_SCHEMA)
                .field("i16", Schema.INT16_SCHEMA)
                .field("i32", Schema.INT32_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA)
                .field("f64", Schema.FLOAT64_SCHEMA)
                .field("flag", Schema.BOOLEAN_SCHEMA)
                .field("amount", Schema.STRING_SCHEMA)
                .field("day", logical(Schema.INT32_SCHEMA, "io.debezium.time.Date"))
                .field("ts_micros", logical(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"))
                .field("ts_millis", logical(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp"))
                .field("ts_nanos", logical(Schema.INT64_SCHEMA, "io.debezium.time.NanoTimestamp"))
                .field("tstz", logical(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"))
                .field("t_micros", logical(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"))
                .field("t_millis", logical(Schema.INT32_SCHEMA, "io.debezium.time.Time"))
                .field("doc", logical(Schema.STRING_SCHEMA, "io.debezium.data.Json"))
                .field("uid", logical(Schema.STRING_SCHEMA, "io.debezium.data.Uuid"))
                .field("blob", Schema.BYTES_SCHEMA)
                .field("span", Schema.STRING_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build())
                .field("point", pointSchema)
                .field("nothing", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        long micros = LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_000).toEpochSecond(ZoneOffset.UTC) * 1_000_000L
                + 123_456L;
        Struct point = new Struct(pointSchema).put("x", 1.5).put("y", 2.0);
        Struct after = new Struct(row)
                .put("tenant_id", "acme").put("id", 9L)
                .put("i16", (short) -7).put("i32", 123).put("f32", 1.5f).put("f64", -0.25)
                .put("flag", true).put("amount", "12345.67")
                .put("day", (int) LocalDate.of(2024, 3, 1).toEpochDay())
                .put("ts_micros", micros)
                .put("ts_millis", micros / 1000)
                .put("ts_nanos", micros * 1000)
                .put("tstz", "2024-03-01T10:15:30.123456Z")
                .put("t_micros", (10 * 3600 + 15 * 60 + 30) * 1_000_000L + 500_000L)
                .put("t_millis", (10 * 3600 + 15 * 60 + 30) * 1000)
                .put("doc", "{\"a\": [1, 2]}")
                .put("uid", "0e3b6e5a-6f7c-4c4e-9a57-5d1a3b2c1d0e")
                .put("blob", new byte[]{(byte) 0xde, (byte) 0xad, 0x00, 0x0f})
                .put("span", "P1Y2M3DT4H5M6.5S")
                .put("tags", java.util.Arrays.asList("a", "b c", null, "x\"y"))
                .put("point", point)
                .put("nothing", null);

        ChangeEvent event = converter.convert(null, envelope(row, "c", null, after, 1L, 1L, 1L));

        assertThat(event.after())
                .containsEntry("i16", "-7")
                .containsEntry("i32", "123")
                .containsEntry("f32", "1.5")
                .containsEntry("f64", "-0.25")
                .containsEntry("flag", "t")
                .containsEntry("amount", "12345.67")
                .containsEntry("day", "2024-03-01")
                .containsEntry("ts_micros", "2024-03-01 10:15:30.123456")
                .containsEntry("ts_millis", "2024-03-01 10:15:30.123")
                .containsEntry("ts_nanos", "2024-03-01 10:15:30.123456")
                .containsEntry("tstz", "2024-03-01 10:15:30.123456+00")
                .containsEntry("t_micros", "10:15:30.5")
                .containsEntry("t_millis", "10:15:30")
                .containsEntry("doc", "{\"a\": [1, 2]}")
                .containsEntry("uid", "0e3b6e5a-6f7c-4c4e-9a57-5d1a3b2c1d0e")
                .containsEntry("blob", "\\xdead000f")
                .containsEntry("span", "P1Y2M3DT4H5M6.5S")
                .containsEntry("tags", "{a,\"b c\",NULL,\"x\\\"y\"}")
                .containsEntry("point", "(1.5,2.0)")
                .containsEntry("nothing", null);
    }

    @Test
    void shouldPrintDatesBeforeCommonEraAndMidnightTimestamps() {
        assertThat(PgTextValues.date(LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
        assertThat(PgTextValues.toText(logical(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"), 0L))
                .isEqualTo("1970-01-01 00:00:00");
        assertThat(PgTextValues.toText(logical(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"), -1L))
                .isEqualTo("1969-12-31 23:59:59.999999");
    }

    @Test
    void shouldPrintBitsDecimalsAndByteaHexStrings() {
        Schema bits = SchemaBuilder.bytes().name("io.debezium.data.Bits").parameter("length", "5").build();
        Schema decimal = org.apache.kafka.connect.data.Decimal.schema(2);
        Schema hexBytea = SchemaBuilder.string().parameter("__debezium.source.column.type", "BYTEA").build();

        assertThat(PgTextValues.toText(bits, new byte[]{0b00110})).isEqualTo("00110");
        assertThat(PgTextValues.toText(decimal, new java.math.BigDecimal("12.50"))).isEqualTo("12.50");
        assertThat(PgTextValues.toText(hexBytea, "CAFE")).isEqualTo("\\xcafe");
        assertThat(PgTextValues.toText(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    private static Schema logical(Schema base, String name) {
        SchemaBuilder b = base.type() == Schema.Type.INT32 ? SchemaBuilder.int32()
                : base.type() == Schema.Type.INT64 ? SchemaBuilder.int64() : SchemaBuilder.string();
        return b.name(name).build();
    }

    private static Struct row(String tenant, long id, String note, byte[] payload) {
        return new Struct(ROW).put("tenant_id", tenant).put("id", id).put("note", note).put("payload", payload);
    }

    private static Struct key(long id, String tenant) {
        return new Struct(KEY).put("id", id).put("tenant_id", tenant);
    }

    private static Struct envelope(Schema row, String op, Struct before, Struct after, long lsn, long txId, long tsMs) {
        Schema schema = SchemaBuilder.struct().name("srv.public.orders.Envelope")
                .field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct source = new Struct(SOURCE).put("schema", "public").put("table", "orders")
                .put("lsn", lsn).put("txId", txId).put("ts_ms", tsMs);
        return new Struct(schema).put("before", before).put("after", after).put("source", source).put("op", op);
    }
}
