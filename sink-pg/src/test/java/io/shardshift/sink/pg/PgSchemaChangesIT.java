package io.shardshift.sink.pg;

import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;
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
class PgSchemaChangesIT {
    private final TargetDb db = TargetDb.fresh("ddl");

    @Test
    void shouldAddColumnsWithTypeCollationAndTheValueOfOlderRowsAndDoNothingWhenRunAgain() {
        PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA));
        db.execute("INSERT INTO public.items (id, name, qty, note) VALUES (1, 'a', 1, 'n')");
        List<AddedColumn> columns = List.of(
                new AddedColumn(new ColumnDef("Odd \"col\"", "character varying(8)", true), "pg_catalog.\"C\"", "x'y,z"),
                new AddedColumn(new ColumnDef("plain", "integer", false), null, null));

        PgSchemaChanges.addColumns(db.spec(), Items.SCHEMA, columns);
        PgSchemaChanges.addColumns(db.spec(), Items.SCHEMA, columns);

        assertThat(db.query("""
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull::text AS not_null,
                       coalesce(co.collname, '') AS coll
                FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
                WHERE a.attrelid = 'public.items'::regclass AND a.attnum > 4 AND NOT a.attisdropped
                  AND a.attname <> '_ss_lsn' ORDER BY a.attnum"""))
                .containsExactly(row("Odd \"col\"", "character varying(8)", "true", "C"), row("plain", "integer", "false", ""));
        assertThat(db.scalar("SELECT \"Odd \"\"col\"\"\" || '|' || coalesce(plain::text, 'NULL') FROM public.items"))
                .as("the row from before the addition").isEqualTo("x'y,z|NULL");
    }

    @Test
    void shouldFailNamingTheColumnWhenTheTargetHasItWithAnotherType() {
        PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA));
        db.execute("ALTER TABLE public.items ADD COLUMN extra text");

        assertThatThrownBy(() -> PgSchemaChanges.addColumns(db.spec(), Items.SCHEMA,
                List.of(new AddedColumn(new ColumnDef("extra", "integer", false), null, null))))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("column extra of public.items")
                .hasMessageContaining("is text, expected integer");
    }

    @Test
    void shouldWidenColumnTypesKeepingTheValues() {
        PgProvisioner.provision(db.spec(), List.of(Items.SCHEMA));
        db.execute("INSERT INTO public.items (id, name, qty, note) VALUES (1, 'a', 2147483647, 'twenty characters!!!')");
        Map<String, String> types = new LinkedHashMap<>();
        types.put("qty", "bigint");
        types.put("note", "character varying(40)");

        PgSchemaChanges.alterColumnTypes(db.spec(), Items.SCHEMA.id(), types);
        db.execute("UPDATE public.items SET qty = qty + 1, note = note || ' and more'");

        assertThat(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                + "'public.items'::regclass AND attname = 'qty'")).isEqualTo("bigint");
        assertThat(db.scalar("SELECT qty || '|' || note FROM public.items"))
                .isEqualTo("2147483648|twenty characters!!! and more");
    }

    private static Map<String, String> row(String name, String type, String notNull, String coll) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("not_null", notNull);
        m.put("coll", coll);
        return m;
    }
}
