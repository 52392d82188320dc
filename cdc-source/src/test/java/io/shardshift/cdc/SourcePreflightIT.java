package io.shardshift.cdc;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.util.List;

import static io.shardshift.cdc.CdcTestSupport.spec;
import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class SourcePreflightIT {
    private static final String KAFKA = "127.0.0.1:9";
    private static DevPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = DevPostgres.start();
        pg.createDatabase("app");
        sql(pg, "app",
                "CREATE SCHEMA sales",
                "CREATE TABLE sales.orders (tenant_id text NOT NULL, id bigint NOT NULL, total numeric(12,2),"
                        + " created timestamptz DEFAULT now(), tags text[], PRIMARY KEY (tenant_id, id))",
                "CREATE INDEX orders_created ON sales.orders (created)",
                "CREATE UNIQUE INDEX orders_tenant_total ON sales.orders (tenant_id, total)",
                "CREATE INDEX orders_lower ON sales.orders (lower(tenant_id))",
                "ALTER TABLE sales.orders REPLICA IDENTITY FULL",
                "CREATE TABLE no_pk (tenant_id text, v int)",
                "ALTER TABLE no_pk REPLICA IDENTITY FULL",
                "CREATE TABLE no_shard_key (id int PRIMARY KEY, v int)",
                "ALTER TABLE no_shard_key REPLICA IDENTITY FULL",
                "CREATE TABLE default_identity (id int PRIMARY KEY, tenant_id text)",
                "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, tenant_id int, abalance int, filler char(84))",
                "CREATE TABLE pgbench_history (tid int, tenant_id int, aid int, delta int, mtime timestamp)",
                "ALTER TABLE pgbench_history REPLICA IDENTITY FULL",
                "CREATE TABLE by_unique (code text NOT NULL, region text NOT NULL, tenant_id text, note text,"
                        + " maybe text UNIQUE)",
                "CREATE UNIQUE INDEX zz_code ON by_unique (code)",
                "CREATE UNIQUE INDEX aa_region_code ON by_unique (region, code)",
                "CREATE UNIQUE INDEX aa_partial ON by_unique (note) WHERE note IS NOT NULL",
                "ALTER TABLE by_unique REPLICA IDENTITY FULL",
                "CREATE SCHEMA \"Sales EU\"",
                "CREATE TABLE \"Sales EU\".\"Order Items\" (\"Order ID\" bigint PRIMARY KEY, tenant_id text,"
                        + " \"Qty \"\"x\"\"\" int)",
                "ALTER TABLE \"Sales EU\".\"Order Items\" REPLICA IDENTITY FULL");
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldReturnTableDefinitionsWhenEverythingIsInPlace() {
        List<TableSchema> schemas = SourcePreflight.check(spec("ok", pg, "app", KAFKA, List.of("sales.orders")));

        assertThat(schemas).hasSize(1);
        TableSchema orders = schemas.get(0);
        assertThat(orders.columns()).containsExactly(
                new ColumnDef("tenant_id", "text", true),
                new ColumnDef("id", "bigint", true),
                new ColumnDef("total", "numeric(12,2)", false),
                new ColumnDef("created", "timestamp with time zone", false),
                new ColumnDef("tags", "text[]", false));
        assertThat(orders.primaryKey()).containsExactly("tenant_id", "id");
        assertThat(orders.indexes()).containsExactlyInAnyOrder(
                new IndexDef("orders_created", false, "btree", List.of("created")),
                new IndexDef("orders_tenant_total", true, "btree", List.of("tenant_id", "total")));
        assertThat(orders.replicaIdentityFull()).isTrue();
    }

    @Test
    void shouldRejectTableWithoutPrimaryKey() {
        assertThatThrownBy(() -> SourcePreflight.check(spec("nopk", pg, "app", KAFKA, List.of("sales.orders", "no_pk"))))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("tables[1].name").hasMessageContaining("public.no_pk")
                .hasMessageContaining("no primary key");
    }

    @Test
    void shouldReportEveryProblemOfEveryTableAtOnceWithTheStatementThatFixesIt() {
        MigrationSpec spec = spec("bench", pg, "app", KAFKA, List.of("pgbench_accounts", "pgbench_history"));

        assertThatThrownBy(() -> SourcePreflight.check(spec))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).problems()).hasSize(2))
                .hasMessageContaining("tables[0].name: table public.pgbench_accounts does not have REPLICA IDENTITY")
                .hasMessageContaining("ALTER TABLE \"public\".\"pgbench_accounts\" REPLICA IDENTITY FULL;")
                .hasMessageContaining("tables[1].name: table public.pgbench_history has no primary key")
                .hasMessageContaining("ALTER TABLE \"public\".\"pgbench_history\" ADD PRIMARY KEY (");
    }

    @Test
    void shouldKeyATableWithoutPrimaryKeyByItsFirstUniqueNotNullIndex() {
        List<TableSchema> schemas = SourcePreflight.check(spec("uniq", pg, "app", KAFKA, List.of("by_unique")));

        assertThat(schemas.get(0).primaryKey()).containsExactly("region", "code");
    }

    @Test
    void shouldAcceptAnyNamePostgresAccepts() {
        List<TableSchema> schemas = SourcePreflight.check(spec("odd", pg, "app", KAFKA,
                List.of("'\"Sales EU\".\"Order Items\"'")));

        assertThat(schemas.get(0).primaryKey()).containsExactly("Order ID");
        assertThat(schemas.get(0).columnNames()).containsExactly("Order ID", "tenant_id", "Qty \"x\"");
    }

    @Test
    void shouldRejectTableWithoutShardKeyColumn() {
        assertThatThrownBy(() -> SourcePreflight.check(spec("nokey", pg, "app", KAFKA, List.of("no_shard_key"))))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("layout.shardKey"))
                .hasMessageContaining("public.no_shard_key").hasMessageContaining("tenant_id");
    }

    @Test
    void shouldRejectTableWithoutReplicaIdentityFullAndShowTheFix() {
        assertThatThrownBy(() -> SourcePreflight.check(spec("ident", pg, "app", KAFKA, List.of("default_identity"))))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("public.default_identity")
                .hasMessageContaining("ALTER TABLE \"public\".\"default_identity\" REPLICA IDENTITY FULL;");
    }

    @Test
    void shouldRejectMissingTable() {
        assertThatThrownBy(() -> SourcePreflight.check(spec("missing", pg, "app", KAFKA, List.of("public.nope"))))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("tables[0].name").hasMessageContaining("public.nope does not exist");
    }

    @Test
    void shouldRejectUnreachableSourceWithoutShowingThePassword() throws Exception {
        String deadUrl = "jdbc:postgresql://127.0.0.1:" + unusedPort() + "/app";
        MigrationSpec spec = spec("down", deadUrl, "Sup3rSecret", pg.jdbcUrl("app"), KAFKA, List.of("sales.orders"),
                pg.user());

        assertThatThrownBy(() -> SourcePreflight.check(spec))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("source.jdbcUrl"))
                .hasMessageContaining(deadUrl).hasMessageContaining("refused")
                .hasMessageNotContaining("Sup3rSecret");
    }

    @Test
    void shouldRejectWrongPasswordWithoutShowingIt() {
        MigrationSpec spec = spec("badpw", pg.jdbcUrl("app"), "Wr0ngSecret", pg.jdbcUrl("app"), KAFKA,
                List.of("sales.orders"), pg.user());

        assertThatThrownBy(() -> SourcePreflight.check(spec))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("source.jdbcUrl"))
                .hasMessageContaining("password authentication failed").hasMessageNotContaining("Wr0ngSecret");
    }

    @Test
    void shouldRejectUnreachableTarget() throws Exception {
        String deadUrl = "jdbc:postgresql://127.0.0.1:" + unusedPort() + "/postgres";
        MigrationSpec spec = spec("tdown", pg.jdbcUrl("app"), pg.password(), deadUrl, KAFKA, List.of("sales.orders"),
                pg.user());

        assertThatThrownBy(() -> SourcePreflight.check(spec))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("targets[0].jdbcUrl"))
                .hasMessageContaining(deadUrl);
    }

    @Test
    void shouldRejectSourceWithoutLogicalWal() {
        try (DevPostgres replicaOnly = DevPostgres.startWithoutLogicalWal()) {
            replicaOnly.createDatabase("app");
            sql(replicaOnly, "app", "CREATE TABLE t (tenant_id text, id int PRIMARY KEY)",
                    "ALTER TABLE t REPLICA IDENTITY FULL");

            assertThatThrownBy(() -> SourcePreflight.check(spec("wal", replicaOnly, "app", KAFKA, List.of("t"))))
                    .isInstanceOf(SpecException.class)
                    .hasMessageStartingWith("source.jdbcUrl")
                    .hasMessageContaining("wal_level=replica").hasMessageContaining("wal_level=logical");
        }
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
