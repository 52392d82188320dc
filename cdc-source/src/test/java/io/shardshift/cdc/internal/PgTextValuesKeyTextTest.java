package io.shardshift.cdc.internal;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream side gives canonical key text: the inputs are values exactly as Debezium 3.6 handed them over
 * from a real pgoutput change, the expectations what COPY printed for the same rows (see KeyTextFormsIT).
 */
class PgTextValuesKeyTextTest {
    private static final Schema ZONED = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build();
    private static final Schema INTERVAL = SchemaBuilder.string().name("io.debezium.time.Interval").build();

    @Test
    void shouldPrintTimestamptzInUtcAsPostgresDoes() {
        assertThat(PgTextValues.toText(ZONED, "2024-03-01T10:15:30.123456Z")).isEqualTo("2024-03-01 10:15:30.123456+00");
        assertThat(PgTextValues.toText(ZONED, "2024-03-01T05:15:30.000000Z")).isEqualTo("2024-03-01 05:15:30+00");
        assertThat(PgTextValues.toText(ZONED, "2000-01-01T07:59:59.500000Z")).isEqualTo("2000-01-01 07:59:59.5+00");
        assertThat(PgTextValues.toText(SchemaBuilder.array(ZONED).build(), List.of("2024-03-01T10:15:30.000000Z")))
                .isEqualTo("{\"2024-03-01 10:15:30+00\"}");
    }

    @Test
    void shouldPrintBooleansFloatsAndIntervalsAsPostgresDoes() {
        assertThat(PgTextValues.toText(Schema.BOOLEAN_SCHEMA, true)).isEqualTo("t");
        assertThat(PgTextValues.toText(SchemaBuilder.array(Schema.BOOLEAN_SCHEMA).build(), List.of(true, false)))
                .isEqualTo("{t,f}");
        assertThat(PgTextValues.toText(Schema.FLOAT64_SCHEMA, 1.0E20)).isEqualTo("1e+20");
        assertThat(PgTextValues.toText(Schema.FLOAT64_SCHEMA, 100.0)).isEqualTo("100");
        assertThat(PgTextValues.toText(Schema.FLOAT64_SCHEMA, 1.23456789012345E14)).isEqualTo("123456789012345");
        assertThat(PgTextValues.toText(Schema.FLOAT32_SCHEMA, 1.23456792E8f)).isEqualTo("1.2345679e+08");
        assertThat(PgTextValues.toText(INTERVAL, "P1Y2M3DT4H5M6.78S")).isEqualTo("1 year 2 mons 3 days 04:05:06.78");
        assertThat(PgTextValues.toText(INTERVAL, "P0Y0M-1DT30H0M0S")).isEqualTo("-1 days +30:00:00");
        assertThat(PgTextValues.toText(INTERVAL, "P0Y0M0DT0H0M0S")).isEqualTo("00:00:00");
        assertThat(PgTextValues.toText(INTERVAL, "P-1Y-2M3DT-4H-5M-6S")).isEqualTo("-1 years -2 mons +3 days -04:05:06");
        assertThat(PgTextValues.toText(INTERVAL, "P0Y-1M0DT0H0M0S")).isEqualTo("-1 mons");
    }
}
