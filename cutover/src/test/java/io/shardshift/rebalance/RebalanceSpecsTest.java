package io.shardshift.rebalance;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deriving rebalance specs from a base spec, and the request checks that come with it. */
class RebalanceSpecsTest {
    private final MigrationSpec base = BaseSpecs.orders("orders", null);

    @Test
    void shouldDeriveATenantScopedOneTargetSpecForARehome() {
        MigrationSpec spec = RebalanceSpecs.rehome(base, 3, "acme", "pg_a");

        assertThat(spec.name()).isEqualTo("orders_rehome_3");
        assertThat(spec.tenants()).containsExactly("acme");
        assertThat(spec.targets()).extracting(t -> t.name()).containsExactly("pg_a");
        assertThat(spec.routing().generation()).isEqualTo(5);
        assertThat(spec.routing().shardKey()).isEqualTo("tenant_id");
        assertThat(spec.routing().buckets()).isEqualTo(1);
        assertThat(spec.routing().targetFor("anyone")).isEqualTo("pg_a");
        assertThat(spec.tables()).isEqualTo(base.tables());
        assertThat(spec.cutover()).isEqualTo(base.cutover());
        assertThat(spec.searchTargets()).isEmpty();
    }

    @Test
    void shouldNeverShareTheBaseSlotOrTopicsWithADerivedSpec() {
        MigrationSpec prefixed = BaseSpecs.orders("orders", "acme.orders");
        MigrationSpec spec = RebalanceSpecs.rehome(prefixed, 1, "acme", "pg_b");

        assertThat(spec.slotName()).isEqualTo("shardshift_orders_rehome_1").isNotEqualTo(prefixed.slotName());
        assertThat(spec.topicPrefix()).isEqualTo("acme.orders.rehome_1");
        assertThat(RebalanceSpecs.rehome(base, 1, "acme", "pg_b").topicPrefix()).isEqualTo("shardshift.orders_rehome_1");
    }

    @Test
    void shouldCutALongBaseNameSoTheDerivedNameStaysValid() {
        String longName = "a".repeat(40);
        MigrationSpec spec = RebalanceSpecs.rehome(BaseSpecs.orders(longName, null), 12, "acme", "pg_b");

        assertThat(spec.name()).hasSize(40).endsWith("_rehome_12");
        SpecValidator.validate(spec);
    }

    @Test
    void shouldNameTargetInstanceWhenItIsNotATargetOfTheBaseSpec() {
        assertThatThrownBy(() -> RebalanceSpecs.rehome(base, 1, "acme", "pg_c"))
                .isInstanceOf(RebalanceException.InvalidRequest.class)
                .hasMessageContaining("'target_instance'").hasMessageContaining("pg_c").hasMessageContaining("[pg_a, pg_b]");
    }

    @Test
    void shouldNameTenantWhenItIsEmpty() {
        assertThatThrownBy(() -> RebalanceSpecs.rehome(base, 1, "", "pg_b"))
                .isInstanceOf(RebalanceException.InvalidRequest.class)
                .hasMessageContaining("'tenant'");
    }

    @Test
    void shouldDeriveASearchOnlySpecRoutedByTheNewColumn() {
        MigrationSpec spec = RebalanceSpecs.search(base, 2, "orders", "customer", 4);

        assertThat(spec.name()).isEqualTo("orders_search_2");
        assertThat(spec.hasLayout()).isFalse();
        assertThat(spec.targets()).isEmpty();
        assertThat(spec.tables()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("public.orders");
            assertThat(t.shardKey()).isEqualTo("customer");
        });
        SearchTargetSpec s = spec.searchTargets().get(0);
        assertThat(s.collection()).isEqualTo("orders");
        assertThat(s.version()).isEqualTo(4);
        assertThat(s.shardKey()).isEqualTo("customer");
        assertThat(s.hotTenants()).as("hot tenants are values of the old routing column").isNull();
    }

    @Test
    void shouldKeepHotTenantsWhenTheRoutingColumnStays() {
        MigrationSpec spec = RebalanceSpecs.search(base, 1, "orders", "tenant_id", 3);

        assertThat(spec.searchTargets().get(0).hotTenants()).containsEntry("acme", 1);
    }

    @Test
    void shouldAnswerNotFoundNamingAnUnknownCollection() {
        assertThatThrownBy(() -> RebalanceSpecs.search(base, 1, "invoices", "tenant_id", 3))
                .isInstanceOf(RebalanceException.NotFound.class)
                .hasMessageContaining("'collection'").hasMessageContaining("invoices").hasMessageContaining("[orders]");
    }

    @Test
    void shouldNameRoutingWhenItIsNotAnIdentifier() {
        assertThatThrownBy(() -> RebalanceSpecs.search(base, 1, "orders", "r".repeat(64), 3))
                .isInstanceOf(RebalanceException.InvalidRequest.class)
                .hasMessageContaining("'routing'");
    }
}
