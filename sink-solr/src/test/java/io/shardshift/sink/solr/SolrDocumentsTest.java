package io.shardshift.sink.solr;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrTargetConfig.FieldMapping;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SolrDocumentsTest {
    private static final TableSchema SCHEMA = new TableSchema(new TableId("public", "orders"), List.of(
            new ColumnDef("tenant_id", "text", true), new ColumnDef("id", "bigint", true),
            new ColumnDef("total", "numeric(12,2)", false), new ColumnDef("note", "text", false)),
            List.of("tenant_id", "id"), List.of(), true);
    private static final SolrTargetConfig CONFIG =
            SolrTargetConfig.of("s", "zk:2181", "orders", 1, 2, "orders", "tenant_id");

    @Test
    void shouldNameTheFieldsOfTheResolvedMappingInOrder() {
        SolrDocuments docs = SolrDocuments.of(CONFIG, SCHEMA);

        assertThat(docs.fieldNames()).containsExactly("tenant_id", "orders_id", "total", "note");
        assertThat(docs.fieldOf("id")).contains("orders_id");
        assertThat(docs.fieldOf("tenant_id")).contains("tenant_id");
    }

    @Test
    void shouldGiveNoFieldForAnUnmappedColumn() {
        SolrDocuments docs = SolrDocuments.of(CONFIG.withFields(List.of(FieldMapping.of("tenant_id"),
                FieldMapping.of("id"), new FieldMapping("note", "note_txt", "text_general"))), SCHEMA);

        assertThat(docs.fieldNames()).containsExactly("tenant_id", "orders_id", "note_txt");
        assertThat(docs.fieldOf("total")).isEmpty();
        assertThat(docs.fieldsOf(Map.of("tenant_id", "t1", "id", "7", "total", "1.50", "note", "hi")))
                .containsOnlyKeys("tenant_id", "orders_id", "note_txt");
    }
}
