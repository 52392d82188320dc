package io.shardshift.verify;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.verify.internal.SearchMapping;
import io.shardshift.verify.internal.SolrDoc;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SearchMappingTest {
    static final TableSchema COMPOSITE = new TableSchema(new TableId("public", "orders"), List.of(
            new ColumnDef("tenant_id", "text", true), new ColumnDef("id", "text", true),
            new ColumnDef("amount", "numeric(12,2)", false), new ColumnDef("note", "text", false)),
            List.of("tenant_id", "id"), List.of(), true);
    static final SolrTargetConfig CFG = SolrTargetConfig.of("s", "zk:2181/solr", "orders", 2, 2, "public.orders", "tenant_id")
            .withHotTenants(Map.of("acme", 1));

    @Test
    void shouldReadTheKeyAndTenantBackFromTheIdTheSinkWrites() {
        SearchMapping m = new SearchMapping(CFG, COMPOSITE);
        Map<String, String> row = row("ac!me/x", "4,2%", "1.50", null);
        String id = m.idOf(row);
        SearchMapping.Parsed p = m.parse(id).orElseThrow();
        assertThat(p.tenant()).isEqualTo("ac!me/x");
        assertThat(p.key().values()).containsExactly("ac!me/x", "4,2%");

        SearchMapping.Parsed hot = m.parse(m.idOf(row("acme", "7", "1", "n"))).orElseThrow();
        assertThat(hot.tenant()).isEqualTo("acme");
        assertThat(hot.key().values()).containsExactly("acme", "7");
        assertThat(m.parse("no-bang")).isEmpty();
        assertThat(m.parse("acme!1,2")).isEmpty();
    }

    @Test
    void shouldNameTheFirstFieldThatDiffersAndTreatNullAsNoValue() {
        SearchMapping m = new SearchMapping(CFG, COMPOSITE);
        Map<String, String> row = row("globex", "1", "1.50", null);
        Map<String, Object> fields = new HashMap<>(Map.of("tenant_id", "globex", "orders_id", "1", "amount", 1.5));
        assertThat(m.difference(row, new SolrDoc("globex!1", 9, false, fields))).isNull();
        fields.put("note", "tampered");
        assertThat(m.difference(row, new SolrDoc("globex!1", 9, false, fields))).contains("note", "tampered");
        assertThat(m.tenantFilter("acme")).hasValue("{!term f=tenant_id}acme");
    }

    private static Map<String, String> row(String tenant, String id, String amount, String note) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("tenant_id", tenant);
        r.put("id", id);
        r.put("amount", amount);
        r.put("note", note);
        return r;
    }
}
