package io.shardshift.sink.solr.internal;

import io.shardshift.sink.solr.SolrFieldType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueParserTest {

    @Test
    void shouldParseNumbersAndBooleansFromPostgresText() {
        assertThat(ValueParser.parse("42", SolrFieldType.INT)).isEqualTo(42);
        assertThat(ValueParser.parse("9007199254740993", SolrFieldType.LONG)).isEqualTo(9007199254740993L);
        assertThat(ValueParser.parse("12.50", SolrFieldType.DOUBLE)).isEqualTo(12.5);
        assertThat(ValueParser.parse("NaN", SolrFieldType.DOUBLE)).isEqualTo(Double.NaN);
        assertThat(ValueParser.parse("t", SolrFieldType.BOOLEAN)).isEqualTo(true);
        assertThat(ValueParser.parse("false", SolrFieldType.BOOLEAN)).isEqualTo(false);
        assertThat(ValueParser.parse("any text", SolrFieldType.STRING)).isEqualTo("any text");
    }

    @Test
    void shouldParseDatesAndTimestampsWithAndWithoutOffsets() {
        assertThat(ValueParser.parse("2024-01-02", SolrFieldType.DATE)).isEqualTo(at("2024-01-02T00:00:00Z"));
        assertThat(ValueParser.parse("2024-01-02 03:04:05", SolrFieldType.DATE)).isEqualTo(at("2024-01-02T03:04:05Z"));
        assertThat(ValueParser.parse("2024-01-02 03:04:05.123456", SolrFieldType.DATE))
                .isEqualTo(at("2024-01-02T03:04:05.123Z"));
        assertThat(ValueParser.parse("2024-01-02 03:04:05.5+00", SolrFieldType.DATE))
                .isEqualTo(at("2024-01-02T03:04:05.500Z"));
        assertThat(ValueParser.parse("2024-01-02 03:04:05+05:30", SolrFieldType.DATE))
                .isEqualTo(at("2024-01-01T21:34:05Z"));
        assertThat(ValueParser.parse("2024-01-02 03:04:05-03", SolrFieldType.DATE)).isEqualTo(at("2024-01-02T06:04:05Z"));
        assertThat(ValueParser.parse("2024-01-02T03:04:05Z", SolrFieldType.DATE)).isEqualTo(at("2024-01-02T03:04:05Z"));
    }

    @Test
    void shouldExplainValuesThatDoNotFit() {
        assertThatThrownBy(() -> ValueParser.parse("seven", SolrFieldType.INT)).hasMessage("'seven' is not a valid pint");
        assertThatThrownBy(() -> ValueParser.parse("3000000000", SolrFieldType.INT))
                .hasMessage("'3000000000' is not a valid pint");
        assertThatThrownBy(() -> ValueParser.parse("maybe", SolrFieldType.BOOLEAN)).hasMessageContaining("boolean");
        assertThatThrownBy(() -> ValueParser.parse("infinity", SolrFieldType.DATE)).hasMessageContaining("pdate");
        assertThatThrownBy(() -> ValueParser.parse("2024-13-01", SolrFieldType.DATE))
                .hasMessage("'2024-13-01' is not a valid pdate");
    }

    private static Date at(String instant) {
        return Date.from(Instant.parse(instant));
    }
}
