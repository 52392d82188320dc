package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.shardshift.engine.topology.Orders.delete;
import static io.shardshift.engine.topology.Orders.insert;
import static io.shardshift.engine.topology.Orders.snapshotRow;
import static io.shardshift.engine.topology.Orders.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {
    static final Layout LAYOUT = Layout.evenRanges(1, "tenant_id", 8, List.of("a", "b"), Map.of("whale", "w"));
    final Router router = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"));

    static String tenantOn(String target) {
        for (int i = 0; ; i++) {
            if (LAYOUT.targetFor("t" + i).equals(target)) {
                return "t" + i;
            }
        }
    }

    @Test
    void shouldRouteInsertsAndSnapshotRowsByTheShardKeyOfTheNewRow() {
        assertThat(router.route(insert("1", tenantOn("a"), "1", 10))).extracting(RoutedEvent::target).containsExactly("a");
        assertThat(router.route(snapshotRow("1", tenantOn("b"), "1"))).extracting(RoutedEvent::target).containsExactly("b");
        assertThat(router.route(insert("1", "whale", "1", 10))).extracting(RoutedEvent::target).containsExactly("w");
    }

    @Test
    void shouldRouteUpdateWithUnchangedShardKeyToOneTarget() {
        ChangeEvent e = update("1", tenantOn("b"), "2", 10);
        assertThat(router.route(e)).containsExactly(new RoutedEvent("b", e));
    }

    @Test
    void shouldRouteUpdateWithinTheSameTargetAsOneEventEvenWhenTheShardKeyValueChanges() {
        String a1 = tenantOn("a");
        String a2 = "x";
        for (int i = 0; !LAYOUT.targetFor(a2).equals("a") || a2.equals(a1); i++) {
            a2 = "x" + i;
        }
        ChangeEvent e = update("1", a1, a2, "2", 10);
        assertThat(router.route(e)).containsExactly(new RoutedEvent("a", e));
    }

    @Test
    void shouldDeleteOnOldTargetThenUpsertOnNewWhenShardKeyMoves() {
        ChangeEvent e = update("1", tenantOn("a"), "whale", "2", 10);

        List<RoutedEvent> routed = router.route(e);

        assertThat(routed).hasSize(2);
        assertThat(routed.get(0).target()).isEqualTo("a");
        ChangeEvent delete = routed.get(0).event();
        assertThat(delete.op()).isEqualTo(Operation.DELETE);
        assertThat(delete.key()).isEqualTo(e.key());
        assertThat(delete.before()).isEqualTo(e.before());
        assertThat(delete.position()).isEqualTo(e.position());
        assertThat(routed.get(1)).isEqualTo(new RoutedEvent("w", e));
    }

    @Test
    void shouldRouteUpdateWithoutBeforeImageByTheNewRowOnly() {
        ChangeEvent e = ChangeEvent.update(Orders.TABLE, Orders.key("1"), null, Orders.row("1", "whale", "1"), Orders.at(10));
        assertThat(router.route(e)).containsExactly(new RoutedEvent("w", e));
    }

    @Test
    void shouldRouteDeleteByTheShardKeyOfTheOldRowOrTheKey() {
        ChangeEvent e = delete("1", tenantOn("b"), 10);
        assertThat(router.route(e)).containsExactly(new RoutedEvent("b", e));

        ChangeEvent byKey = ChangeEvent.delete(Orders.TABLE, Map.of("tenant_id", "whale", "id", "1"), null, Orders.at(10));
        assertThat(router.route(byKey)).containsExactly(new RoutedEvent("w", byKey));
    }

    @Test
    void shouldRouteNullShardKeyAsEmptyString() {
        ChangeEvent e = insert("1", null, "1", 10);
        assertThat(router.route(e)).extracting(RoutedEvent::target).containsExactly(LAYOUT.targetFor(""));
    }

    @Test
    void shouldRejectDeleteWithoutShardKeyNamingTableAndPosition() {
        ChangeEvent e = ChangeEvent.delete(Orders.TABLE, Orders.key("7"), null, Orders.at(0x10));
        assertThatThrownBy(() -> router.route(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("public.orders").hasMessageContaining("0/10")
                .hasMessageContaining("tenant_id").hasMessageContaining("REPLICA IDENTITY FULL");
    }

    @Test
    void shouldRejectInsertWithoutShardKeyColumn() {
        ChangeEvent e = ChangeEvent.create(Orders.TABLE, Orders.key("7"), Map.of("id", "7"), Orders.at(10));
        assertThatThrownBy(() -> router.route(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no shard key column 'tenant_id'");
    }

    @Test
    void shouldRejectEventOfUnknownTable() {
        ChangeEvent other = ChangeEvent.create(TableId.parse("public.x"), Map.of("id", "1"), Map.of("id", "1"), Orders.at(10));
        assertThatThrownBy(() -> router.route(other)).hasMessageContaining("public.x").hasMessageContaining("not in the migration");
    }

    @Test
    void shouldSendTruncateToEveryTargetOfTheLayoutAndToTheSearchTargets() {
        Router withSearch = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(Orders.TABLE, List.of("s1")));
        ChangeEvent truncate = ChangeEvent.truncate(Orders.TABLE, Orders.at(10));

        assertThat(withSearch.route(truncate)).extracting(RoutedEvent::target).containsExactly("a", "b", "w", "s1");
        assertThat(withSearch.route(truncate)).allSatisfy(r -> assertThat(r.event()).isSameAs(truncate));
    }

    @Test
    void shouldUseEachTablesOwnShardKey() {
        TableId customers = TableId.parse("public.customers");
        Router perTable = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id", customers, "org"));
        ChangeEvent e = ChangeEvent.create(customers, Map.of("id", "1"), Map.of("id", "1", "org", "whale"), Orders.at(10));
        assertThat(perTable.route(e)).extracting(RoutedEvent::target).containsExactly("w");
    }

    @Test
    void shouldAlsoSendEveryEventUnchangedToTheSearchTargetsOfItsTable() {
        Router withSearch = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(Orders.TABLE, List.of("s1", "s2")));
        ChangeEvent moved = update("1", tenantOn("a"), "whale", "2", 10);

        List<RoutedEvent> routed = withSearch.route(moved);

        assertThat(routed).extracting(RoutedEvent::target).containsExactly("a", "w", "s1", "s2");
        assertThat(routed.get(2).event()).isSameAs(moved);
        ChangeEvent deleted = delete("2", tenantOn("b"), 11);
        assertThat(withSearch.route(deleted)).containsExactly(new RoutedEvent("b", deleted),
                new RoutedEvent("s1", deleted), new RoutedEvent("s2", deleted));
    }

    @Test
    void shouldSendEveryEventOnlyToTheSearchTargetsWhenThereIsNoLayout() {
        Router searchOnly = new Router(null, Map.of(Orders.TABLE, "tenant_id"), Map.of(Orders.TABLE, List.of("s1")));
        ChangeEvent moved = update("1", tenantOn("a"), "whale", "2", 10);
        ChangeEvent deleted = delete("2", tenantOn("b"), 11);

        assertThat(searchOnly.route(moved)).containsExactly(new RoutedEvent("s1", moved));
        assertThat(searchOnly.route(deleted)).containsExactly(new RoutedEvent("s1", deleted));
        ChangeEvent truncate = ChangeEvent.truncate(Orders.TABLE, Orders.at(12));
        assertThat(searchOnly.route(truncate)).containsExactly(new RoutedEvent("s1", truncate));
        ChangeEvent other = ChangeEvent.create(TableId.parse("public.x"), Map.of("id", "1"), Map.of("id", "1"), Orders.at(13));
        assertThatThrownBy(() -> searchOnly.route(other)).hasMessageContaining("not in the migration");
    }

    @Test
    void shouldRouteOnlyTheRowsOfTheMovedTenantsAndDropEveryOtherEvent() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(), List.of("whale"));
        String other = tenantOn("a");
        ChangeEvent movedInsert = insert("1", "whale", "1", 10);
        ChangeEvent movedSnapshot = snapshotRow("2", "whale", "1");

        assertThat(scoped.route(movedInsert)).containsExactly(new RoutedEvent("w", movedInsert));
        assertThat(scoped.route(movedSnapshot)).containsExactly(new RoutedEvent("w", movedSnapshot));
        assertThat(scoped.route(insert("3", other, "1", 11))).isEmpty();
        assertThat(scoped.route(snapshotRow("4", other, "1"))).isEmpty();
        assertThat(scoped.route(update("3", other, "2", 12))).isEmpty();
        assertThat(scoped.route(update("3", other, tenantOn("b"), "2", 13))).isEmpty();
        assertThat(scoped.route(delete("3", other, 14))).isEmpty();
        assertThat(scoped.route(insert("5", null, "1", 15))).isEmpty();
        assertThat(scoped.tenantScoped()).isTrue();
        assertThat(router.tenantScoped()).isFalse();
    }

    @Test
    void shouldRouteUpdatesAndDeletesOfMovedRowsAsWithoutTenants() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(), List.of("whale"));
        ChangeEvent update = update("1", "whale", "2", 10);
        ChangeEvent delete = delete("1", "whale", 11);

        assertThat(scoped.route(update)).containsExactly(new RoutedEvent("w", update));
        assertThat(scoped.route(delete)).containsExactly(new RoutedEvent("w", delete));
    }

    @Test
    void shouldRouteARowEnteringTheMovedTenantsLikeAnyShardKeyChange() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(), List.of("whale"));
        ChangeEvent entering = update("1", tenantOn("a"), "whale", "2", 10);

        assertThat(scoped.route(entering)).isEqualTo(router.route(entering));
        assertThat(scoped.route(entering)).last().isEqualTo(new RoutedEvent("w", entering));
    }

    @Test
    void shouldTurnAnUpdateThatTakesARowOutOfTheMovedTenantsIntoADeleteOnTheOldTargetOnly() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(Orders.TABLE, List.of("s1")),
                List.of("whale"));
        ChangeEvent leaving = update("1", "whale", tenantOn("a"), "2", 10);

        List<RoutedEvent> routed = scoped.route(leaving);

        assertThat(routed).extracting(RoutedEvent::target).containsExactly("w", "s1");
        for (RoutedEvent r : routed) {
            assertThat(r.event().op()).isEqualTo(Operation.DELETE);
            assertThat(r.event().key()).isEqualTo(leaving.key());
            assertThat(r.event().before()).isEqualTo(leaving.before());
            assertThat(r.event().position()).isEqualTo(leaving.position());
        }
    }

    @Test
    void shouldDropAnUpdateOutsideTheMovedTenantsWhoseOldValueIsUnknown() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(), List.of("whale"));
        ChangeEvent e = ChangeEvent.update(Orders.TABLE, Orders.key("1"), null, Orders.row("1", "minnow", "1"), Orders.at(10));

        assertThat(scoped.route(e)).isEmpty();
    }

    @Test
    void shouldFilterTheSearchTargetsByTenantWithoutALayout() {
        Router searchOnly = new Router(null, Map.of(Orders.TABLE, "tenant_id"), Map.of(Orders.TABLE, List.of("s1")),
                List.of("acme"));
        ChangeEvent acme = insert("1", "acme", "1", 10);
        ChangeEvent leaving = update("1", "acme", "globex", "1", 11);

        assertThat(searchOnly.route(acme)).containsExactly(new RoutedEvent("s1", acme));
        assertThat(searchOnly.route(insert("2", "globex", "1", 12))).isEmpty();
        assertThat(searchOnly.route(leaving)).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo("s1");
            assertThat(r.event().op()).isEqualTo(Operation.DELETE);
            assertThat(r.event().before()).containsEntry("tenant_id", "acme");
        });
    }

    @Test
    void shouldStillRejectUnroutableEventsWhenTenantScoped() {
        Router scoped = new Router(LAYOUT, Map.of(Orders.TABLE, "tenant_id"), Map.of(), List.of("whale"));
        ChangeEvent noShardKey = ChangeEvent.create(Orders.TABLE, Orders.key("7"), Map.of("id", "7"), Orders.at(10));
        ChangeEvent truncate = ChangeEvent.truncate(Orders.TABLE, Orders.at(11));
        ChangeEvent other = ChangeEvent.create(TableId.parse("public.x"), Map.of("id", "1"), Map.of("id", "1"), Orders.at(12));

        assertThatThrownBy(() -> scoped.route(noShardKey)).hasMessageContaining("no shard key column 'tenant_id'");
        assertThatThrownBy(() -> scoped.route(truncate)).hasMessageContaining("TRUNCATE")
                .hasMessageContaining("tenant-scoped");
        assertThatThrownBy(() -> scoped.route(other)).hasMessageContaining("not in the migration");
    }
}
