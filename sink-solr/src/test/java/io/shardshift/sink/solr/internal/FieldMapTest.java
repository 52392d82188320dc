package io.shardshift.sink.solr.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrFieldType;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.sink.solr.SolrTargetConfig.FieldMapping;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldMapTest {
    private static final TableSchema SCHEMA = new TableSchema(new TableId("public", "orders"), List.of(
            new ColumnDef("tenant_id", "text", true), new ColumnDef("id", "bigint", true),
            new ColumnDef("total", "numeric(12,2)", false), new ColumnDef("note", "text", false)),
            List.of("tenant_id", "id"), List.of(), true);
    private static final SolrTargetConfig CONFIG =
            SolrTargetConfig.of("s", "zk:2181", "orders", 1, 2, "orders", "tenant_id");

    @Test
    void shouldMapEveryColumnWithDefaultTypesAndRenameReservedNames() {
        FieldMap map = FieldMap.resolve(CONFIG, SCHEMA);

        assertThat(map.columns()).containsExactly(
                new FieldMap.Column("tenant_id", "tenant_id", SolrFieldType.STRING),
                new FieldMap.Column("id", "orders_id", SolrFieldType.LONG),
                new FieldMap.Column("total", "total", SolrFieldType.DOUBLE),
                new FieldMap.Column("note", "note", SolrFieldType.STRING));
    }

    @Test
    void shouldMapAnyColumnNameToAValidSolrField() {
        TableSchema odd = new TableSchema(new TableId("public", "Order Items"), List.of(
                new ColumnDef("Order ID", "bigint", true), new ColumnDef("tenantId", "text", true),
                new ColumnDef("2nd note", "text", false), new ColumnDef("id", "int", false)),
                List.of("Order ID"), List.of(), true);

        FieldMap map = FieldMap.resolve(SolrTargetConfig.of("s", "zk:2181", "oi", 1, 2, "public.\"Order Items\"",
                "tenantId"), odd);

        assertThat(map.columns()).extracting(FieldMap.Column::field)
                .containsExactly("Order_ID", "tenantId", "_2nd_note", "Order_Items_id");
    }

    @Test
    void shouldMapOnlyTheListedColumnsWithTheirNamesAndTypes() {
        FieldMap map = FieldMap.resolve(CONFIG.withFields(List.of(new FieldMapping("note", "note_txt", "text_general"))),
                SCHEMA);

        assertThat(map.columns()).containsExactly(new FieldMap.Column("note", "note_txt", SolrFieldType.TEXT));
    }

    @Test
    void shouldRefuseUnknownColumnsReservedAndDuplicateFields() {
        assertThatThrownBy(() -> FieldMap.resolve(CONFIG.withFields(List.of(FieldMapping.of("nope"))), SCHEMA))
                .hasMessageContaining("column nope is not a column of public.orders");
        assertThatThrownBy(() -> FieldMap.resolve(CONFIG.withFields(List.of(new FieldMapping("note", "_ss_x", null))),
                SCHEMA)).hasMessageContaining("reserved");
        assertThatThrownBy(() -> FieldMap.resolve(CONFIG.withFields(List.of(new FieldMapping("note", "x", null),
                new FieldMapping("total", "x", null))), SCHEMA)).hasMessageContaining("'x' is mapped twice");
        assertThatThrownBy(() -> FieldMap.resolve(
                SolrTargetConfig.of("s", "zk", "orders", 1, 2, "orders", "region"), SCHEMA))
                .hasMessageContaining("shardKey region is not a column");
    }
}
