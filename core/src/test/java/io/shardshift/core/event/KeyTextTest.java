package io.shardshift.core.event;

import io.shardshift.core.schema.KeyTypes;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected texts are what PostgreSQL 15 printed for the same values (see KeyTextFormsIT). */
class KeyTextTest {

    @Test
    void shouldPrintFloatsAsPostgresShortestExactForm() {
        assertThat(KeyText.float8(0.1)).isEqualTo("0.1");
        assertThat(KeyText.float8(1e20)).isEqualTo("1e+20");
        assertThat(KeyText.float8(100)).isEqualTo("100");
        assertThat(KeyText.float8(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(KeyText.float8(123456789012345d)).isEqualTo("123456789012345");
        assertThat(KeyText.float8(1e15)).isEqualTo("1e+15");
        assertThat(KeyText.float8(0.0001)).isEqualTo("0.0001");
        assertThat(KeyText.float8(-2.5)).isEqualTo("-2.5");
        assertThat(KeyText.float8(Double.NaN)).isEqualTo("NaN");
        assertThat(KeyText.float8(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(KeyText.float8(-0.0)).isEqualTo("-0");
        assertThat(KeyText.float4(1.5f)).isEqualTo("1.5");
        assertThat(KeyText.float4(0.1f)).isEqualTo("0.1");
        assertThat(KeyText.float4(1e20f)).isEqualTo("1e+20");
        assertThat(KeyText.float4(123456789f)).isEqualTo("1.2345679e+08");
    }

    @Test
    void shouldPrintIntervalsInPostgresStyle() {
        long h = 3_600_000_000L;
        assertThat(KeyText.interval(14, 3, 4 * h + 5 * 60_000_000L + 6_780_000L)).isEqualTo("1 year 2 mons 3 days 04:05:06.78");
        assertThat(KeyText.interval(0, -1, 30 * h)).isEqualTo("-1 days +30:00:00");
        assertThat(KeyText.interval(0, 0, 0)).isEqualTo("00:00:00");
        assertThat(KeyText.interval(-14, 3, -(4 * h + 5 * 60_000_000L + 6_000_000L)))
                .isEqualTo("-1 years -2 mons +3 days -04:05:06");
        assertThat(KeyText.interval(-1, 0, 0)).isEqualTo("-1 mons");
        assertThat(KeyText.interval(0, 1, 2 * h)).isEqualTo("1 day 02:00:00");
    }

    @Test
    void shouldPrintTemporalValuesAsPostgresDoesInUtc() {
        assertThat(KeyText.timestamptz(Instant.parse("2024-03-01T10:15:30.123456Z"))).isEqualTo("2024-03-01 10:15:30.123456+00");
        assertThat(KeyText.of(OffsetDateTime.parse("2024-03-01T15:45:30.5+05:30"))).isEqualTo("2024-03-01 10:15:30.5+00");
        assertThat(KeyText.timestamp(LocalDateTime.parse("2024-03-01T00:00:00"))).isEqualTo("2024-03-01 00:00:00");
        assertThat(KeyText.timestamp(LocalDateTime.of(-43, 3, 15, 10, 0))).isEqualTo("0044-03-15 10:00:00 BC");
        assertThat(KeyText.date(LocalDate.of(1, 1, 1))).isEqualTo("0001-01-01");
    }

    @Test
    void shouldPrintOtherScalarsAsPostgresDoes() {
        assertThat(KeyText.of(true)).isEqualTo("t");
        assertThat(KeyText.of(new BigDecimal("1.50"))).isEqualTo("1.50");
        assertThat(KeyText.of(UUID.fromString("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(KeyText.of(new byte[] {0, (byte) 0xff})).isEqualTo("\\x00ff");
        assertThatThrownBy(() -> KeyText.of(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSupportOnlyKeyTypesWithCanonicalTextOnBothPaths() {
        assertThat(KeyTypes.supported("timestamp(3) with time zone")).isTrue();
        assertThat(KeyTypes.supported("numeric(10,2)")).isTrue();
        assertThat(KeyTypes.supported("boolean[]")).isTrue();
        assertThat(KeyTypes.supported("interval")).isTrue();
        assertThat(KeyTypes.supported("time with time zone")).isFalse();
        assertThat(KeyTypes.supported("money")).isFalse();
        assertThat(KeyTypes.supported("mood")).isFalse();
    }

    @Test
    void shouldKeyByArraysOnlyOfElementTypesWhoseTextNoSessionSettingChanges() {
        assertThat(KeyTypes.supported("integer[]")).isTrue();
        assertThat(KeyTypes.supported("timestamp(3) without time zone[]")).isTrue();
        assertThat(KeyTypes.supported("character varying(10)[]")).isTrue();
        assertThat(KeyTypes.supported("timestamp(3) with time zone[]")).isTrue();
        assertThat(KeyTypes.supported("double precision[]")).isFalse();
        assertThat(KeyTypes.supported("interval[]")).isFalse();
        assertThat(KeyTypes.supported("bytea[]")).isFalse();
    }
}
