package io.shardshift.sink.pg.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypeNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "integer|integer",
            "numeric(12,2)|numeric",
            "numeric(12, 2)|numeric",
            "character varying(20)|character varying",
            "character(3)|bpchar",
            "bit(8)|bit varying",
            "timestamp(3) with time zone|timestamp with time zone",
            "timestamp without time zone|timestamp without time zone",
            "character varying(10)[]|character varying[]",
            "integer[]|integer[]",
            "public.mood|public.mood",
            "\"char\"|\"char\"",
            "jsonb|jsonb"})
    void shouldCastToTypeWithoutLengthSoAssignmentChecksIt(String type, String cast) {
        assertThat(TypeNames.requireValid(type, "t", "c")).isEqualTo(type);
        assertThat(TypeNames.castType(type)).isEqualTo(cast);
    }

    @ParameterizedTest
    @ValueSource(strings = {"integer; drop table x", "text' || '", "int -- x", "int/* */", "", "numeric(12,2"})
    void shouldRejectTypesThatAreNotPlainTypeNames(String type) {
        assertThatThrownBy(() -> TypeNames.requireValid(type, "public.t", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column c of table public.t");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"public.mood|mood", "NUMERIC(12,2)|numeric(12, 2)", "text|text"})
    void shouldTreatSpellingsOfTheSameTypeAsSame(String a, String b) {
        assertThat(TypeNames.sameType(a, b)).isTrue();
    }
}
