package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class PgProvisionerIT {
    private static final TableSchema ORDERS = Orders.SCHEMA;

    private final TargetDb db = TargetDb.fresh("prov");

    @Test
    void shouldCreateTableWithSameColumnsPrimaryKeyIndexesAndFence() {
        PgProvisioner.provision(db.spec(), List.of(ORDERS, Items.SCHEMA));

        assertThat(db.query("""
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull::text AS not_null,
                       pg_get_expr(d.adbin, d.adrelid) AS dflt
                FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attrelid = 'sales.orders'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""))
                .containsExactly(
                        column("tenant", "text", true, null), column("id", "bigint", true, null),
                        column("total", "numeric(12,2)", false, null), column("code", "character varying(8)", true, null),
                        column("placed", "timestamp with time zone", false, null), column("tags", "text[]", false, null),
                        column("_ss_lsn", "bigint", true, "0"));
        assertThat(db.scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                + "WHERE conrelid = 'sales.orders'::regclass AND contype = 'p'")).isEqualTo("PRIMARY KEY (tenant, id)");
        assertThat(db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'sales' AND indexname <> 'orders_pkey' "
                + "ORDER BY indexname")).extracting(r -> r.get("indexdef")).containsExactly(
                "CREATE INDEX orders_code_key ON sales.orders USING btree (code)",
                "CREATE INDEX orders_placed_total ON sales.orders USING btree (placed, total)",
                "CREATE INDEX orders_tags ON sales.orders USING gin (tags)");
        assertThat(db.scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                + "WHERE conrelid = 'shardshift.shardshift_tombstones'::regclass AND contype = 'p'"))
                .isEqualTo("PRIMARY KEY (table_name, key)");
        assertThat(db.scalar("SELECT count(*) FROM public.items")).isEqualTo("0");
    }

    @Test
    void shouldDoNothingWhenRunAgainOnProvisionedTarget() {
        PgProvisioner.provision(db.spec(), List.of(ORDERS));
        db.execute("INSERT INTO sales.orders (tenant, id, code) VALUES ('acme', 1, 'A1')");

        PgProvisioner.provision(db.spec(), List.of(ORDERS));

        assertThat(db.scalar("SELECT count(*) FROM sales.orders")).isEqualTo("1");
        assertThat(db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'sales'")).isEqualTo("4");
    }

    @Test
    void shouldFailNamingTableAndColumnWhenExistingTableDiffers() {
        db.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, name text, qty text, note varchar(20), "
                + "_ss_lsn bigint NOT NULL DEFAULT 0)");

        assertThatThrownBy(() -> PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA)))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("table public.items already exists on target '" + db.spec().name() + "'")
                .hasMessageContaining("column qty is text there, expected integer");
    }

    @Test
    void shouldFailNamingMissingFenceAndExtraColumn() {
        db.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, name text, qty integer, note varchar(20), extra int)");

        assertThatThrownBy(() -> PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA)))
                .hasMessageContaining("fence column _ss_lsn is missing")
                .hasMessageContaining("column extra is not in the source table");
    }

    @Test
    void shouldCreateNothingWhenOneTableCannotBeProvisioned() {
        db.execute("CREATE TABLE public.items (id integer PRIMARY KEY)");

        assertThatThrownBy(() -> PgProvisioner.provision(db.spec(), List.of(ORDERS, Items.SCHEMA)))
                .isInstanceOf(SinkException.class);

        assertThat(db.scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ('sales', 'shardshift')")).isEqualTo("0");
    }

    @Test
    void shouldNameTableAndTypeWhenTypeIsMissingOnTarget() {
        TableSchema feelings = new TableSchema(TableId.parse("feelings"),
                List.of(new ColumnDef("id", "integer", true), new ColumnDef("mood", "public.mood", false)),
                List.of("id"), List.of(), true);

        assertThatThrownBy(() -> PgProvisioner.provision(db.spec(), List.of(feelings)))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("creating table public.feelings")
                .hasMessageContaining("42704")
                .hasMessageContaining("mood");
    }

    @Test
    void shouldAcceptExistingUserTypes() {
        db.execute("CREATE TYPE public.mood AS ENUM ('sad', 'happy')");
        TableSchema feelings = new TableSchema(TableId.parse("feelings"),
                List.of(new ColumnDef("id", "integer", true), new ColumnDef("mood", "mood", false)),
                List.of("id"), List.of(), true);

        PgProvisioner.provision(db.spec(), List.of(feelings));
        PgProvisioner.provision(db.spec(), List.of(feelings));

        assertThat(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'public.feelings'::regclass AND attname = 'mood'")).isEqualTo("mood");
    }

    private static Map<String, String> column(String name, String type, boolean notNull, String dflt) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("not_null", Boolean.toString(notNull));
        m.put("dflt", dflt);
        return m;
    }
}
