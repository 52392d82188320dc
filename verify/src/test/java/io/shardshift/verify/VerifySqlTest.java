package io.shardshift.verify;

import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.verify.internal.KeyRange;
import io.shardshift.verify.internal.VerifySql;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifySqlTest {
    static final TableSchema LINES = new TableSchema(TableId.parse("public.lines"),
            List.of(new ColumnDef("tenant_id", "text", true), new ColumnDef("id", "bigint", true),
                    new ColumnDef("qty", "numeric(12,2)", false)),
            List.of("tenant_id", "id"), List.of(), true);

    @Test
    void shouldChunkCompositeKeysByRowComparisonInKeyOrder() {
        VerifySql sql = new VerifySql(LINES, "tenant_id");
        assertThat(sql.boundary(true, false)).contains("(t.\"tenant_id\", t.\"id\") > (?::text, ?::bigint)")
                .contains("ORDER BY t.\"tenant_id\", t.\"id\" OFFSET ? LIMIT 1");
        assertThat(sql.boundary(false, false)).doesNotContain("WHERE");
    }

    @Test
    void shouldBoundAChunkOnBothSidesAndLeaveTheLastOneOpen() {
        VerifySql sql = new VerifySql(LINES, "tenant_id");
        String middle = sql.chunkSums(new KeyRange(List.of("a", "1"), List.of("b", "9")), true);
        assertThat(middle).contains("> (?::text, ?::bigint)", "<= (?::text, ?::bigint)", "t.\"tenant_id\"::text = ?");
        String last = sql.chunkSums(new KeyRange(List.of("b", "9"), null), false);
        assertThat(last).contains("> (?::text, ?::bigint)").doesNotContain("<=");
    }

    @Test
    void shouldHashTheSourceColumnsOnlySoTheFenceIsLeftOut() {
        VerifySql sql = new VerifySql(LINES, "tenant_id");
        assertThat(sql.chunkSums(KeyRange.all(), false))
                .contains("hashtextextended(ROW(t.\"tenant_id\", t.\"id\", t.\"qty\")::text, 0)")
                .doesNotContain("_ss_lsn");
        assertThat(sql.rows(KeyRange.all(), false, true)).contains("t.\"_ss_lsn\"");
    }

    @Test
    void shouldRejectAShardKeyThatIsNotAColumn() {
        assertThatThrownBy(() -> new VerifySql(LINES, "customer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customer").hasMessageContaining("public.lines");
    }

    @Test
    void shouldFilterOnlyTheSourceToTheMovedTenantsOfATenantScopedMigration() {
        VerifySql sql = new VerifySql(LINES, "tenant_id", ShardKeyFilter.of("tenant_id", List.of("acme", "o'hara")));
        String moved = "t.\"tenant_id\"::text IN (E'acme', E'o''hara')";
        KeyRange middle = new KeyRange(List.of("a", "1"), List.of("b", "9"));

        assertThat(sql.boundary(false, false)).contains("WHERE " + moved);
        assertThat(sql.boundary(true, true)).contains("t.\"tenant_id\"::text = ? AND " + moved);
        assertThat(sql.chunkSums(middle, false)).contains(moved);
        assertThat(sql.chunkSums(middle, false, true)).doesNotContain("IN (");
        assertThat(sql.rows(middle, true, false)).contains(moved);
        assertThat(sql.rows(middle, true, true)).doesNotContain("IN (");
        assertThat(sql.rowsByKeys(false, true)).contains("WHERE " + moved + " FOR SHARE OF t");
        assertThat(sql.rowsByKeys(true, false)).doesNotContain("IN (");
        assertThat(sql.fullRowsForShare()).contains("WHERE " + moved + " FOR SHARE OF t");
        assertThat(sql.fullRows(KeyRange.all(), false)).endsWith(" WHERE " + moved);
        assertThat(new VerifySql(LINES, "tenant_id").rowsByKeys(false, true)).doesNotContain("WHERE");
    }
}
