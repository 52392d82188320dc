package io.shardshift.sink.solr.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocIdsTest {

    @Test
    void shouldPrefixPrimaryKeyWithTenantAndLeaveOutTheShardKeyColumn() {
        DocIds ids = new DocIds(List.of("tenant_id", "id"), "tenant_id", Map.of());

        assertThat(ids.idOf("acme", Map.of("tenant_id", "acme", "id", "42"))).isEqualTo("acme!42");
    }

    @Test
    void shouldJoinCompositeKeysAndUseTheWholeKeyWhenItIsTheShardKey() {
        assertThat(new DocIds(List.of("tenant_id", "order_id", "line"), "tenant_id", Map.of())
                .idOf("acme", Map.of("tenant_id", "acme", "order_id", "7", "line", "3"))).isEqualTo("acme!7,3");
        assertThat(new DocIds(List.of("tenant_id"), "tenant_id", Map.of())
                .idOf("acme", Map.of("tenant_id", "acme"))).isEqualTo("acme!acme");
    }

    @Test
    void shouldEscapeSeparatorsSoNoValueChangesRoutingOrCollides() {
        DocIds ids = new DocIds(List.of("id", "line"), "tenant_id", Map.of());

        assertThat(ids.idOf("a!b/4", Map.of("id", "x,y", "line", "1%"))).isEqualTo("a%21b%2F4!x%2Cy,1%25");
        assertThat(ids.idOf("t", Map.of("id", "1,2", "line", "3")))
                .isNotEqualTo(ids.idOf("t", Map.of("id", "1", "line", "2,3")));
    }

    @Test
    void shouldAddRoutingBitsForHotTenantsOnly() {
        DocIds ids = new DocIds(List.of("id"), "tenant_id", Map.of("bigco", 2));

        assertThat(ids.idOf("bigco", Map.of("id", "9"))).isEqualTo("bigco/2!9");
        assertThat(ids.idOf("small", Map.of("id", "9"))).isEqualTo("small!9");
        assertThat(ids.idOf(null, Map.of("id", "9"))).isEqualTo("!9");
    }

    @Test
    void shouldRefuseMissingKeyValues() {
        DocIds ids = new DocIds(List.of("id"), "tenant_id", Map.of());

        assertThatThrownBy(() -> ids.idOf("t", Map.of())).hasMessageContaining("primary key column id has no value");
    }
}
