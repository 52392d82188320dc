package io.shardshift.sink.pg.internal;

import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DdlBuilderTest {

    @Test
    void shouldCreateTableWithSameColumnsFenceAndPrimaryKey() {
        assertThat(DdlBuilder.createTable(Items.SCHEMA)).isEqualTo("""
                CREATE TABLE IF NOT EXISTS "public"."items" (
                  "id" bigint NOT NULL,
                  "name" text,
                  "qty" integer,
                  "note" character varying(20),
                  "_ss_lsn" bigint NOT NULL DEFAULT 0,
                  PRIMARY KEY ("id")
                )""");
    }

    @Test
    void shouldCreateSecondaryIndexesNonUnique() {
        TableSchema t = withIndexes(new IndexDef("items_name_qty", true, "BTREE", List.of("name", "qty")));
        assertThat(DdlBuilder.createIndexes(t)).containsExactly(
                "CREATE INDEX IF NOT EXISTS \"items_name_qty\" ON \"public\".\"items\" USING btree (\"name\", \"qty\")");
    }

    @Test
    void shouldRejectUnknownAccessMethod() {
        TableSchema t = withIndexes(new IndexDef("ix", false, "btree; drop", List.of("name")));
        assertThatThrownBy(() -> DdlBuilder.createIndexes(t)).hasMessageContaining("index ix of table public.items");
    }

    @Test
    void shouldRejectIndexOnUnknownColumn() {
        TableSchema t = withIndexes(new IndexDef("ix", false, "btree", List.of("colour")));
        assertThatThrownBy(() -> DdlBuilder.createIndexes(t))
                .hasMessageContaining("index ix of table public.items names column colour");
    }

    @Test
    void shouldQuoteSchemaAndBuildTombstoneTable() {
        assertThat(DdlBuilder.createSchema("shardshift")).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"shardshift\"");
        assertThat(DdlBuilder.createTombstones()).isEqualTo("CREATE TABLE IF NOT EXISTS \"shardshift\".\"shardshift_tombstones\" "
                + "(table_name text NOT NULL, key text[] NOT NULL, lsn bigint NOT NULL, PRIMARY KEY (table_name, key))");
    }

    @Test
    void shouldBuildUniqueIndexConcurrentlyUnderGivenName() {
        TableSchema t = withIndexes(new IndexDef("items_name_qty", true, "btree", List.of("name", "qty")));
        assertThat(DdlBuilder.createUniqueIndexConcurrently(t, t.indexes().get(0), "items_name_qty_ss_unique")).isEqualTo(
                "CREATE UNIQUE INDEX CONCURRENTLY \"items_name_qty_ss_unique\" ON \"public\".\"items\" USING btree (\"name\", \"qty\")");
        assertThat(DdlBuilder.dropIndexConcurrently("public", "items_name_qty"))
                .isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"items_name_qty\"");
        assertThat(DdlBuilder.renameIndex("public", "a_ss_unique", "a"))
                .isEqualTo("ALTER INDEX \"public\".\"a_ss_unique\" RENAME TO \"a\"");
    }

    @Test
    void shouldRejectUniqueIndexWithOtherMethodThanBtree() {
        TableSchema t = withIndexes(new IndexDef("ix", true, "hash", List.of("name")));
        assertThatThrownBy(() -> DdlBuilder.createUniqueIndexConcurrently(t, t.indexes().get(0), "ix2"))
                .hasMessageContaining("index ix of table public.items is unique with access method 'hash'");
    }

    private static TableSchema withIndexes(IndexDef... ix) {
        TableSchema s = Items.SCHEMA;
        return new TableSchema(s.id(), s.columns(), s.primaryKey(), List.of(ix), true);
    }
}
