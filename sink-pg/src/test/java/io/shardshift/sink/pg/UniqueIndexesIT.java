package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class UniqueIndexesIT {
    private static final TableSchema ORDERS = Orders.SCHEMA;
    private static final String BUILD = UniqueIndexes.buildName("orders_code_key");

    private final TargetDb db = TargetDb.fresh("uniq", ORDERS);

    @BeforeEach
    void insertOrdersWithDistinctCodes() {
        db.execute("INSERT INTO sales.orders (tenant, id, code) "
                + "SELECT 'acme', g, 'C' || g FROM generate_series(1, 2000) g");
    }

    @Test
    void shouldMakeIndexUniqueSoThatDuplicateInsertFails() {
        assertThat(UniqueIndexes.pending(db.spec(), List.of(ORDERS)))
                .isEqualTo(Map.of(ORDERS.id(), List.of("orders_code_key")));

        UniqueIndexes.restore(db.spec(), List.of(ORDERS));

        assertThat(index("orders_code_key")).isEqualTo("unique=true valid=true");
        assertThat(db.scalar("SELECT indexdef FROM pg_indexes WHERE schemaname = 'sales' AND indexname = 'orders_code_key'"))
                .isEqualTo("CREATE UNIQUE INDEX orders_code_key ON sales.orders USING btree (code)");
        assertThat(indexNames()).containsExactly("orders_code_key", "orders_pkey", "orders_placed_total", "orders_tags");
        assertThat(UniqueIndexes.pending(db.spec(), List.of(ORDERS))).isEmpty();
        assertThatThrownBy(() -> db.execute("INSERT INTO sales.orders (tenant, id, code) VALUES ('acme', 9999, 'C1')"))
                .hasRootCauseMessage("ERROR: duplicate key value violates unique constraint \"orders_code_key\"\n"
                        + "  Detail: Key (code)=(C1) already exists.");
    }

    @Test
    void shouldMakeARestoredIndexNonUniqueAgainWhenRelaxedTwice() {
        UniqueIndexes.restore(db.spec(), List.of(ORDERS));

        UniqueIndexes.relax(db.spec(), List.of(ORDERS));
        UniqueIndexes.relax(db.spec(), List.of(ORDERS));

        assertThat(index("orders_code_key")).isEqualTo("unique=false valid=true");
        assertThat(indexNames()).containsExactly("orders_code_key", "orders_pkey", "orders_placed_total", "orders_tags");
        assertThat(UniqueIndexes.pending(db.spec(), List.of(ORDERS))).containsOnlyKeys(ORDERS.id());
        db.execute("INSERT INTO sales.orders (tenant, id, code) VALUES ('acme', 9999, 'C1')");
    }

    @Test
    void shouldDoNothingWhenRestoredAgain() throws SQLException {
        UniqueIndexes.restore(db.spec(), List.of(ORDERS));
        String oid = db.scalar("SELECT 'sales.orders_code_key'::regclass::oid");

        try (Connection c = db.connect()) {
            UniqueIndexes.restore(c, ORDERS);
            assertThat(UniqueIndexes.restored(c, ORDERS)).isTrue();
        }

        assertThat(db.scalar("SELECT 'sales.orders_code_key'::regclass::oid")).isEqualTo(oid);
    }

    @Test
    void shouldKeepStandInAndNameDuplicatedValuesWhenRowsShareKey() {
        db.execute("UPDATE sales.orders SET code = 'C1' WHERE id IN (2, 3)");
        db.execute("UPDATE sales.orders SET code = 'C4' WHERE id = 5");

        assertThatThrownBy(() -> UniqueIndexes.restore(db.spec(), List.of(ORDERS)))
                .isInstanceOfSatisfying(DuplicateKeysException.class, e -> assertThat(e.duplicates())
                        .extracting(DuplicateKeysException.Duplicate::describe)
                        .containsExactly(
                                "table sales.orders, index orders_code_key: (code)=(C1) is held by 3 rows, "
                                        + "primary keys (tenant, id): (acme,1), (acme,2), (acme,3)",
                                "table sales.orders, index orders_code_key: (code)=(C4) is held by 2 rows, "
                                        + "primary keys (tenant, id): (acme,4), (acme,5)"))
                .hasMessageStartingWith("unique indexes could not be restored on target '" + db.spec().name() + "'")
                .hasMessageContaining("fix those rows and restore again");

        assertThat(index("orders_code_key")).isEqualTo("unique=false valid=true");
        assertThat(indexNames()).containsExactly("orders_code_key", "orders_pkey", "orders_placed_total", "orders_tags");
        assertThat(UniqueIndexes.pending(db.spec(), List.of(ORDERS))).containsOnlyKeys(ORDERS.id());
    }

    @Test
    void shouldFinishAfterFixingDuplicateWhenFailedConcurrentBuildLeftInvalidIndex() throws SQLException {
        db.execute("UPDATE sales.orders SET code = 'C1' WHERE id = 2");
        assertThatThrownBy(() -> db.execute("CREATE UNIQUE INDEX CONCURRENTLY " + BUILD + " ON sales.orders (code)"))
                .hasRootCauseMessage("ERROR: could not create unique index \"" + BUILD + "\"\n"
                        + "  Detail: Key (code)=(C1) is duplicated.");
        assertThat(index(BUILD)).isEqualTo("unique=true valid=false");
        db.execute("UPDATE sales.orders SET code = 'C2' WHERE id = 2");

        try (Connection c = db.connect()) {
            assertThat(UniqueIndexes.restored(c, ORDERS)).isFalse();
            UniqueIndexes.restore(c, ORDERS);
            assertThat(UniqueIndexes.restored(c, ORDERS)).isTrue();
        }

        assertThat(index("orders_code_key")).isEqualTo("unique=true valid=true");
        assertThat(indexNames()).containsExactly("orders_code_key", "orders_pkey", "orders_placed_total", "orders_tags");
    }

    @Test
    void shouldFinishWhenStoppedBetweenBuildAndDropOfStandIn() {
        db.execute("CREATE UNIQUE INDEX " + BUILD + " ON sales.orders (code)");

        UniqueIndexes.restore(db.spec(), List.of(ORDERS));

        assertThat(index("orders_code_key")).isEqualTo("unique=true valid=true");
        assertThat(indexNames()).containsExactly("orders_code_key", "orders_pkey", "orders_placed_total", "orders_tags");
    }

    @Test
    void shouldLeaveTablesWithoutUniqueIndexesAlone() {
        TableSchema items = Items.SCHEMA;
        PgProvisioner.provision(db.spec(), List.of(items));

        UniqueIndexes.restore(db.spec(), List.of(items));

        assertThat(UniqueIndexes.pending(db.spec(), List.of(items))).isEmpty();
        assertThat(db.scalar("SELECT indisunique::text FROM pg_index WHERE indexrelid = 'public.items_name_idx'::regclass"))
                .isEqualTo("false");
    }

    @Test
    void shouldRefuseConnectionInsideTransaction() throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> UniqueIndexes.restore(c, ORDERS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("auto-commit");
        }
    }

    private String index(String name) {
        return db.scalar("SELECT 'unique=' || indisunique || ' valid=' || indisvalid FROM pg_index "
                + "WHERE indexrelid = to_regclass(?)", new TableId("sales", name).quoted());
    }

    private List<String> indexNames() {
        return db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'sales' ORDER BY indexname").stream()
                .map(r -> r.get("indexname")).toList();
    }
}
