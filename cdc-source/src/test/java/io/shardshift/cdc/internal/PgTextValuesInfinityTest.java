package io.shardshift.cdc.internal;

import io.debezium.time.Date;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.Timestamp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Debezium's own temporal forms (a domain over a date or timestamp still gets them): sentinels and overflow. */
class PgTextValuesInfinityTest {
    @Test
    void shouldTurnEpochSentinelsIntoInfinity() {
        assertThat(PgTextValues.toText(Date.schema(), -2_147_472_692)).isEqualTo("infinity");
        assertThat(PgTextValues.toText(Date.schema(), -2_147_472_691)).isEqualTo("-infinity");
        assertThat(PgTextValues.toText(MicroTimestamp.schema(), 9_223_372_036_825_200_000L)).isEqualTo("infinity");
        assertThat(PgTextValues.toText(MicroTimestamp.schema(), -9_223_372_036_832_400_000L)).isEqualTo("-infinity");
        assertThat(PgTextValues.toText(Timestamp.schema(), 9_223_372_036_825_200L)).isEqualTo("infinity");
        assertThat(PgTextValues.toText(Timestamp.schema(), -9_223_372_036_832_400L)).isEqualTo("-infinity");
        assertThat(PgTextValues.toText(Date.schema(), -719_163)).isEqualTo("0001-12-31 BC");
    }

    @Test
    void shouldRefuseATimestampBeforePostgresqlsFirstWhichOnlyAnOverflowGives() {
        assertThatThrownBy(() -> PgTextValues.toText(MicroTimestamp.schema(), -9_223_372_036_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflowed");
    }
}
