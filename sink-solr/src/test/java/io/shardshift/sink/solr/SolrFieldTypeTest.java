package io.shardshift.sink.solr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SolrFieldTypeTest {

    @Test
    void shouldPickDefaultTypesForPostgresTypes() {
        assertThat(SolrFieldType.defaultFor("text")).isEqualTo(SolrFieldType.STRING);
        assertThat(SolrFieldType.defaultFor("character varying(20)")).isEqualTo(SolrFieldType.STRING);
        assertThat(SolrFieldType.defaultFor("uuid")).isEqualTo(SolrFieldType.STRING);
        assertThat(SolrFieldType.defaultFor("integer[]")).isEqualTo(SolrFieldType.STRING);
        assertThat(SolrFieldType.defaultFor("integer")).isEqualTo(SolrFieldType.INT);
        assertThat(SolrFieldType.defaultFor("smallint")).isEqualTo(SolrFieldType.INT);
        assertThat(SolrFieldType.defaultFor("bigint")).isEqualTo(SolrFieldType.LONG);
        assertThat(SolrFieldType.defaultFor("numeric(12,2)")).isEqualTo(SolrFieldType.DOUBLE);
        assertThat(SolrFieldType.defaultFor("double precision")).isEqualTo(SolrFieldType.DOUBLE);
        assertThat(SolrFieldType.defaultFor("boolean")).isEqualTo(SolrFieldType.BOOLEAN);
        assertThat(SolrFieldType.defaultFor("timestamp with time zone")).isEqualTo(SolrFieldType.DATE);
        assertThat(SolrFieldType.defaultFor("timestamp(3) without time zone")).isEqualTo(SolrFieldType.DATE);
        assertThat(SolrFieldType.defaultFor("date")).isEqualTo(SolrFieldType.DATE);
        assertThat(SolrFieldType.defaultFor("time without time zone")).isEqualTo(SolrFieldType.STRING);
    }

    @Test
    void shouldFindTypesBySchemaName() {
        assertThat(SolrFieldType.forSolrName("PDOUBLE")).isEqualTo(SolrFieldType.DOUBLE);
        assertThat(SolrFieldType.forSolrName("text_general")).isEqualTo(SolrFieldType.TEXT);
    }
}
