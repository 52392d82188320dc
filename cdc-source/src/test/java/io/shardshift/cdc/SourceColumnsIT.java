package io.shardshift.cdc;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.util.List;

import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class SourceColumnsIT {
    private static DevPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = DevPostgres.start();
        pg.createDatabase("app");
        sql(pg, "app",
                "CREATE TABLE t (id int PRIMARY KEY)",
                "INSERT INTO t VALUES (1), (2)",
                "ALTER TABLE t ADD COLUMN plain text",
                "ALTER TABLE t ADD COLUMN \"Const\" varchar(9) COLLATE \"C\" NOT NULL DEFAULT 'a''b,c'",
                "ALTER TABLE t ADD COLUMN added timestamptz DEFAULT now()",
                "ALTER TABLE t ADD COLUMN dropped int",
                "ALTER TABLE t DROP COLUMN dropped",
                "CREATE TABLE v (id int PRIMARY KEY)",
                "INSERT INTO v VALUES (1)",
                "ALTER TABLE v ADD COLUMN r float8 DEFAULT random()",
                "CREATE TABLE p (id int, k int, PRIMARY KEY (id, k)) PARTITION BY LIST (k)",
                "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)",
                "CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2)",
                "INSERT INTO p VALUES (1, 1), (2, 2)",
                "ALTER TABLE p ADD COLUMN z int DEFAULT 3");
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldGiveTheDefinitionAndTheValueTheOlderRowsGot() throws Exception {
        try (Connection c = pg.connect("app")) {
            SourceColumns columns = new SourceColumns(c);
            TableId t = TableId.parse("public.t");

            assertThat(columns.addition(t, "plain").column())
                    .isEqualTo(new AddedColumn(new ColumnDef("plain", "text", false), null, null));
            assertThat(columns.addition(t, "Const").column())
                    .isEqualTo(new AddedColumn(new ColumnDef("Const", "character varying(9)", true), "pg_catalog.\"C\"", "a'b,c"));
            assertThat(columns.addition(t, "added").column().valueBeforeAdd()).as("now() as evaluated once").isNotBlank();
            assertThat(columns.addition(TableId.parse("public.p"), "z").column().valueBeforeAdd()).isEqualTo("3");
        }
    }

    @Test
    void shouldRefuseAVolatileDefaultAndADroppedColumnNamingThem() throws Exception {
        try (Connection c = pg.connect("app")) {
            SourceColumns columns = new SourceColumns(c);

            assertThat(columns.addition(TableId.parse("public.v"), "r").refusal())
                    .contains("column r of public.v").contains("random()").contains("without row events");
            assertThat(columns.addition(TableId.parse("public.t"), "dropped").refusal())
                    .contains("column dropped of public.t").contains("no longer in the source's catalog");
        }
    }

    @Test
    void shouldListTheLeafPartitions() throws Exception {
        try (Connection c = pg.connect("app")) {
            SourceColumns columns = new SourceColumns(c);

            assertThat(columns.leafPartitions(TableId.parse("public.p"))).containsExactly("public.p1", "public.p2");
            assertThat(columns.leafPartitions(TableId.parse("public.t"))).isEmpty();
        }
    }
}
