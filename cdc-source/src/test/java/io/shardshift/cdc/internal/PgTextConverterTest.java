package io.shardshift.cdc.internal;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.data.SpecialValueDecimal;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgTextConverterTest {
    private static final int DATE = 1082;
    private static final int TIMESTAMP = 1114;
    private static final int TIMESTAMPTZ = 1184;
    private static final int NUMERIC = 1700;

    @Test
    void shouldTurnDebeziumsInfinitySentinelsBackIntoInfinity() {
        assertThat(PgTextConverter.text(DATE, PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)).isEqualTo("infinity");
        assertThat(PgTextConverter.text(DATE, PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)).isEqualTo("-infinity");
        assertThat(PgTextConverter.text(TIMESTAMP, PostgresValueConverter.POSITIVE_INFINITY_INSTANT)).isEqualTo("infinity");
        assertThat(PgTextConverter.text(TIMESTAMP, PostgresValueConverter.NEGATIVE_INFINITY_INSTANT)).isEqualTo("-infinity");
        assertThat(PgTextConverter.text(TIMESTAMPTZ, PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME))
                .isEqualTo("infinity");
        assertThat(PgTextConverter.text(TIMESTAMPTZ, PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME))
                .isEqualTo("-infinity");
    }

    @Test
    void shouldPrintBcAndFarFutureValuesAsPostgresqlDoes() {
        assertThat(PgTextConverter.text(DATE, LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
        assertThat(PgTextConverter.text(TIMESTAMP, Instant.parse("+294276-12-31T23:59:59.999999Z")))
                .isEqualTo("294276-12-31 23:59:59.999999");
        assertThat(PgTextConverter.text(TIMESTAMPTZ, OffsetDateTime.of(-43, 3, 15, 10, 0, 0, 500_000_000, ZoneOffset.UTC)))
                .isEqualTo("0044-03-15 10:00:00.5+00 BC");
    }

    @Test
    void shouldKeepNumericSpecialValuesAndScale() {
        assertThat(PgTextConverter.text(NUMERIC, SpecialValueDecimal.NOT_A_NUMBER)).isEqualTo("NaN");
        assertThat(PgTextConverter.text(NUMERIC, SpecialValueDecimal.POSITIVE_INF)).isEqualTo("Infinity");
        assertThat(PgTextConverter.text(NUMERIC, SpecialValueDecimal.NEGATIVE_INF)).isEqualTo("-Infinity");
        assertThat(PgTextConverter.text(NUMERIC, new SpecialValueDecimal(new BigDecimal("1.500")))).isEqualTo("1.500");
    }

    @Test
    void shouldGiveThePlaceholderForAnUnchangedToastValueAndRefuseUnknownForms() {
        assertThat(PgTextConverter.text(DATE, UnchangedToastedReplicationMessageColumn.UNCHANGED_TOAST_VALUE))
                .isEqualTo(DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER);
        assertThat(PgTextConverter.text(TIMESTAMP, null)).isNull();
        assertThatThrownBy(() -> PgTextConverter.text(DATE, 42L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1082").hasMessageContaining("java.lang.Long");
    }
}
