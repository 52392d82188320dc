package io.shardshift.core.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TypeWideningTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "character varying(10);character varying(20)",
            "character varying(10);character varying",
            "character varying(10);text",
            "character varying;text",
            "smallint;integer",
            "smallint;bigint",
            "integer;bigint",
            "integer;numeric",
            "numeric(10,2);numeric(12,2)",
            "numeric(10,2);numeric(12,4)",
            "numeric(10,2);numeric",
            "real;double precision"})
    void shouldTreatAsWideningAChangeThatKeepsEveryValue(String from, String to) {
        assertThat(TypeWidening.isWidening(from, to)).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "character varying(20);character varying(10)",
            "character varying(10);character varying(10)",
            "text;character varying(10)",
            "character varying;character varying(10)",
            "bigint;integer",
            "integer;smallint",
            "integer;text",
            "integer;numeric(5,0)",
            "numeric(12,2);numeric(10,2)",
            "numeric(10,2);numeric(10,4)",
            "numeric;numeric(10,2)",
            "double precision;real",
            "text;integer",
            "date;timestamp without time zone"})
    void shouldNotTreatAsWideningANarrowingOrAnotherType(String from, String to) {
        assertThat(TypeWidening.isWidening(from, to)).isFalse();
    }
}
