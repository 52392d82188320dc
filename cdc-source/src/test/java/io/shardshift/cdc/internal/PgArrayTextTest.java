package io.shardshift.cdc.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PgArrayTextTest {
    @Test
    void shouldPrintTimestamptzElementsInUtcKeepingDimensionsBoundsAndNulls() {
        assertThat(PgArrayText.mapElements("[0:1]={{\"2024-03-01 15:45:30.5+05:30\",NULL},{infinity,"
                + "\"0044-03-15 10:00:00-08 BC\"}}", PgArrayText::timestamptzInUtc))
                .isEqualTo("[0:1]={{\"2024-03-01 10:15:30.5+00\",NULL},{infinity,\"0044-03-15 18:00:00+00 BC\"}}");
        assertThat(PgArrayText.mapElements("{}", PgArrayText::timestamptzInUtc)).isEqualTo("{}");
        assertThat(PgArrayText.mapElements("{\"294276-12-31 23:59:59.999999+00\"}", PgArrayText::timestamptzInUtc))
                .isEqualTo("{\"294276-12-31 23:59:59.999999+00\"}");
    }

    @Test
    void shouldUnquoteAndRequoteElements() {
        assertThat(PgArrayText.mapElements("{\"a \\\"b\\\"\",c,\"NULL\",\"\"}", String::toUpperCase))
                .isEqualTo("{\"A \\\"B\\\"\",C,\"NULL\",\"\"}");
    }
}
