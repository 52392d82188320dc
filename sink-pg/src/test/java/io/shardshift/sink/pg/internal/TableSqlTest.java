package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableSqlTest {
    private static final TableSchema ORDERS = new TableSchema(new TableId("sales", "orders"),
            List.of(new ColumnDef("tenant", "text", true), new ColumnDef("id", "bigint", true),
                    new ColumnDef("total", "numeric(12,2)", false), new ColumnDef("code", "character varying(8)", false)),
            List.of("tenant", "id"), List.of(), true);

    @Test
    void shouldBuildFencedUpsertWithOneArrayPerColumnAndTombstoneCheck() {
        assertThat(new TableSql(ORDERS).upsert()).isEqualTo("""
                INSERT INTO "sales"."orders" AS t ("tenant", "id", "total", "code", "_ss_lsn")
                SELECT v.c0, CAST(v.c1 AS bigint), CAST(v.c2 AS numeric), CAST(v.c3 AS character varying), v.f
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS v(c0, c1, c2, c3, f)
                WHERE NOT EXISTS (SELECT 1 FROM "shardshift"."shardshift_tombstones" tb \
                WHERE tb.table_name = ? AND tb.key IN (ARRAY[v.c0, COALESCE(CAST(CAST(NULLIF(v.c1, '') AS bigint) AS text), '')], '{}'::text[]) AND tb.lsn >= v.f)
                ON CONFLICT ("tenant", "id") DO UPDATE SET "total" = EXCLUDED."total", "code" = EXCLUDED."code", \
                "_ss_lsn" = EXCLUDED."_ss_lsn"
                WHERE t."_ss_lsn" < EXCLUDED."_ss_lsn\"""");
    }

    @Test
    void shouldInsertSnapshotRowsOnlyWhereNothingIsStored() {
        assertThat(new TableSql(ORDERS).snapshotInsert())
                .contains("WHERE NOT EXISTS (SELECT 1 FROM \"shardshift\".\"shardshift_tombstones\" tb")
                .endsWith("ON CONFLICT (\"tenant\", \"id\") DO NOTHING");
    }

    @Test
    void shouldDeleteOlderRowsAndKeepHighestTombstoneInOneStatement() {
        assertThat(new TableSql(ORDERS).delete()).isEqualTo("""
                WITH v AS (SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) AS u(k0, k1, f)),
                d AS (DELETE FROM "sales"."orders" AS t USING v WHERE t."tenant" = v.k0 AND t."id" = CAST(v.k1 AS bigint) \
                AND t."_ss_lsn" < v.f RETURNING 1),
                ts AS (INSERT INTO "shardshift"."shardshift_tombstones" AS tb (table_name, key, lsn) \
                SELECT ?, ARRAY[v.k0, COALESCE(CAST(CAST(NULLIF(v.k1, '') AS bigint) AS text), '')], v.f FROM v
                 ON CONFLICT (table_name, key) DO UPDATE SET lsn = GREATEST(tb.lsn, EXCLUDED.lsn))
                SELECT count(*) FROM d""");
    }

    @Test
    void shouldMoveStagedTextRowsWithFenceZeroUnlessKeyHasTombstone() {
        TableSql sql = new TableSql(ORDERS);
        assertThat(sql.createStageTable()).isEqualTo(
                "CREATE TEMP TABLE IF NOT EXISTS \"shardshift_stage\" (c0 text, c1 text, c2 text, c3 text) ON COMMIT DELETE ROWS");
        assertThat(sql.copyIntoStage()).isEqualTo("COPY pg_temp.\"shardshift_stage\" FROM STDIN");
        assertThat(sql.stageInsert()).isEqualTo("""
                INSERT INTO "sales"."orders" ("tenant", "id", "total", "code", "_ss_lsn")
                SELECT s.c0, CAST(s.c1 AS bigint), CAST(s.c2 AS numeric), CAST(s.c3 AS character varying), 0
                FROM pg_temp."shardshift_stage" s
                WHERE NOT EXISTS (SELECT 1 FROM "shardshift"."shardshift_tombstones" tb \
                WHERE tb.table_name = ? AND tb.key IN (ARRAY[s.c0, COALESCE(CAST(CAST(NULLIF(s.c1, '') AS bigint) AS text), '')], '{}'::text[]))
                ON CONFLICT ("tenant", "id") DO NOTHING""");
    }

    @Test
    void shouldFindKeysHoldingRowOrTombstoneAndCopyStraightIntoTable() {
        TableSql sql = new TableSql(ORDERS);
        assertThat(sql.storedKeys()).isEqualTo("""
                SELECT u.i FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(k0, k1, i)
                WHERE EXISTS (SELECT 1 FROM "sales"."orders" t WHERE t."tenant" = u.k0 AND t."id" = CAST(u.k1 AS bigint))
                   OR EXISTS (SELECT 1 FROM "shardshift"."shardshift_tombstones" tb WHERE tb.table_name = ? \
                AND tb.key IN (ARRAY[u.k0, COALESCE(CAST(CAST(NULLIF(u.k1, '') AS bigint) AS text), '')], '{}'::text[]))""");
        assertThat(sql.copyIntoTable()).isEqualTo("COPY \"sales\".\"orders\" (\"tenant\", \"id\", \"total\", \"code\") FROM STDIN");
    }

    @Test
    void shouldTruncateOlderRowsAndRaiseTheTableFenceDroppingKeyTombstonesBelowIt() {
        TableSql sql = new TableSql(ORDERS);
        assertThat(sql.truncateRows()).isEqualTo("DELETE FROM \"sales\".\"orders\" WHERE \"_ss_lsn\" < ?");
        assertThat(sql.truncateFence()).isEqualTo("""
                WITH f AS (INSERT INTO "shardshift"."shardshift_tombstones" AS tb (table_name, key, lsn) \
                VALUES (?, '{}'::text[], ?)
                 ON CONFLICT (table_name, key) DO UPDATE SET lsn = GREATEST(tb.lsn, EXCLUDED.lsn))
                DELETE FROM "shardshift"."shardshift_tombstones" WHERE table_name = ? AND key <> '{}'::text[] AND lsn < ?""");
    }

    @Test
    void shouldOnlyUpdateFenceWhenEveryColumnIsInTheKey() {
        TableSchema link = new TableSchema(TableId.parse("links"),
                List.of(new ColumnDef("a", "integer", true), new ColumnDef("b", "integer", true)),
                List.of("a", "b"), List.of(), true);
        assertThat(new TableSql(link).upsert())
                .contains("DO UPDATE SET \"_ss_lsn\" = EXCLUDED.\"_ss_lsn\"\nWHERE");
    }

    @Test
    void shouldRejectTableWithoutPrimaryKey() {
        TableSchema t = new TableSchema(TableId.parse("logs"), List.of(new ColumnDef("line", "text", false)),
                List.of(), List.of(), true);
        assertThatThrownBy(() -> new TableSql(t)).hasMessageContaining("table public.logs has no primary key");
    }

    @Test
    void shouldRejectColumnNamedLikeTheFence() {
        TableSchema t = new TableSchema(TableId.parse("logs"),
                List.of(new ColumnDef("id", "integer", true), new ColumnDef("_ss_lsn", "bigint", false)),
                List.of("id"), List.of(), true);
        assertThatThrownBy(() -> new TableSql(t)).hasMessageContaining("public.logs").hasMessageContaining("_ss_lsn");
    }

    @Test
    void shouldRejectTypeThatCouldChangeTheStatement() {
        TableSchema t = new TableSchema(TableId.parse("logs"),
                List.of(new ColumnDef("id", "integer); DROP TABLE x; --", true)), List.of("id"), List.of(), true);
        assertThatThrownBy(() -> new TableSql(t))
                .hasMessageContaining("column id of table public.logs")
                .hasMessageContaining("not a plain type name");
    }

    @Test
    void shouldRejectKeyColumnThatIsNotAColumn() {
        TableSchema t = new TableSchema(TableId.parse("logs"), List.of(new ColumnDef("id", "integer", true)),
                List.of("uid"), List.of(), true);
        assertThatThrownBy(() -> new TableSql(t)).hasMessageContaining("primary key column uid of table public.logs");
    }
}
