package io.shardshift.cdc;

import io.shardshift.core.copy.CopyText;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static io.shardshift.cdc.CdcTestSupport.queryLong;
import static io.shardshift.cdc.CdcTestSupport.spec;
import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(180)
class SnapshotReaderIT {
    private static final int ROWS = 20_000;
    private static DevPostgres pg;
    private static MigrationSpec spec;
    private static TableSchema items;
    private static TableSchema empty;

    @BeforeAll
    static void startPostgres() {
        pg = DevPostgres.start();
        pg.createDatabase("app");
        sql(pg, "app",
                "CREATE TABLE items (id bigint PRIMARY KEY, note text, tenant_id text NOT NULL, v int)"
                        + " WITH (fillfactor = 50)",
                "INSERT INTO items SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'note' || g || E'\\twith\\ttabs\\nand \\\\ lines' END,"
                        + " CASE WHEN g % 3 = 0 THEN E'ten\\tant' ELSE 'tenant_' || (g % 10) END, g % 1000"
                        + " FROM generate_series(1, " + ROWS + ") g",
                "DELETE FROM items WHERE id % 7 = 0",
                "INSERT INTO items VALUES (100001, 'quoted', E'o''hara\\\\', 1), (100002, 'sly', 'x'') OR true --', 2)",
                "ALTER TABLE items REPLICA IDENTITY FULL",
                "ANALYZE items",
                "CREATE TABLE empty (id int PRIMARY KEY, tenant_id text)",
                "ALTER TABLE empty REPLICA IDENTITY FULL");
        spec = spec("snap", pg, "app", "127.0.0.1:9", List.of("items", "empty"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        items = schemas.get(0);
        empty = schemas.get(1);
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldReadEveryRowExactlyOnceAcrossParallelChunks() throws Exception {
        SnapshotReader reader = new SnapshotReader(spec, 3, 1000);
        Map<Long, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicLong checksum = new AtomicLong();
        AtomicLong sumV = new AtomicLong();
        AtomicLong rowsInFinishedChunks = new AtomicLong();
        Set<Integer> startedChunks = ConcurrentHashMap.newKeySet();
        int tenantIndex = items.indexOf("tenant_id");

        BackfillResult result = reader.read(items, "tenant_id", new BackfillRowSink() {
            @Override
            public void accept(TableId table, String shardKeyValue, byte[] line) {
                assertThat(table).isEqualTo(items.id());
                assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
                List<String> fields = CopyText.fields(line);
                assertThat(shardKeyValue).isEqualTo(fields.get(tenantIndex));
                seen.computeIfAbsent(Long.parseLong(fields.get(0)), k -> new AtomicInteger()).incrementAndGet();
                sumV.addAndGet(Long.parseLong(fields.get(3)));
                checksum.addAndGet(crc(line));
            }

            @Override
            public void chunkStarted(SnapshotChunk chunk) {
                startedChunks.add(chunk.index());
            }

            @Override
            public void chunkFinished(SnapshotChunk chunk, long rows) {
                rowsInFinishedChunks.addAndGet(rows);
            }
        });

        long sourceCount = queryLong(pg, "app", "SELECT count(*) FROM items");
        assertThat(result.rows()).isEqualTo(sourceCount);
        assertThat(seen).hasSize((int) sourceCount);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(sumV.get()).isEqualTo(queryLong(pg, "app", "SELECT sum(v) FROM items"));
        assertThat(checksum.get()).isEqualTo(wholeTableChecksum());
        assertThat(result.chunks()).isGreaterThan(3);
        assertThat(startedChunks).hasSize(result.chunks());
        assertThat(rowsInFinishedChunks.get()).isEqualTo(sourceCount);
        assertThat(result.snapshotLsn()).isPositive();

        TableProgress progress = reader.progress(items.id());
        assertThat(progress.finished()).isTrue();
        assertThat(progress.totalChunks()).isEqualTo(result.chunks());
        assertThat(progress.chunksDone()).isEqualTo(result.chunks());
        assertThat(progress.rowsRead()).isEqualTo(sourceCount);
        assertThat(progress.fraction()).isEqualTo(1.0);
    }

    @Test
    void shouldUnescapeShardKeyValues() {
        Map<String, AtomicInteger> tenants = new ConcurrentHashMap<>();

        new SnapshotReader(spec, 2, 5000).read(items, "tenant_id",
                (table, key, line) -> tenants.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());

        assertThat(tenants).containsKey("ten\tant").containsKey("tenant_1").doesNotContainKey("ten\\tant");
        assertThat(tenants.get("ten\tant").get())
                .isEqualTo((int) queryLong(pg, "app", "SELECT count(*) FROM items WHERE tenant_id = E'ten\\tant'"));
    }

    @Test
    void shouldReadOnlyTheRowsOfTheFilteredShardKeyValues() {
        Map<String, AtomicInteger> tenants = new ConcurrentHashMap<>();
        List<String> wanted = List.of("tenant_1", "ten\tant", "o'hara\\", "x') OR true --");

        SnapshotReader reader = new SnapshotReader(spec, 3, 1000);
        BackfillResult result = reader.read(items, "tenant_id", ShardKeyFilter.of("tenant_id", wanted),
                (table, key, line) -> tenants.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());

        assertThat(tenants).containsOnlyKeys(wanted);
        for (String tenant : wanted) {
            assertThat(tenants.get(tenant).get()).as(tenant).isEqualTo((int) queryLong(pg, "app",
                    "SELECT count(*) FROM items WHERE tenant_id = E'" + tenant.replace("\\", "\\\\").replace("'", "''") + "'"));
        }
        assertThat(result.rows()).isEqualTo(tenants.values().stream().mapToLong(AtomicInteger::get).sum());
        assertThat(result.chunks()).isGreaterThan(3);
        assertThat(reader.progress(items.id()).fraction()).isEqualTo(1.0);
        assertThat(reader.progress(items.id()).estimatedRows()).as("estimated from the column's statistics")
                .isBetween(result.rows() / 2, result.rows() * 2);
    }

    @Test
    void shouldReadNothingWhenNoRowHasTheFilteredValue() {
        AtomicLong rows = new AtomicLong();

        BackfillResult result = new SnapshotReader(spec, 2, 1000).read(items, "tenant_id",
                ShardKeyFilter.of("tenant_id", List.of("nobody' OR '1'='1", "nobody\\' OR true --")),
                (table, key, line) -> rows.incrementAndGet());

        assertThat(result.rows()).isZero();
        assertThat(rows.get()).isZero();
    }

    @Test
    void shouldRejectAFilterOnAnUnknownColumn() {
        assertThatThrownBy(() -> new SnapshotReader(spec).read(items, "tenant_id", ShardKeyFilter.of("nope", List.of("a")),
                (t, k, l) -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void shouldReadEmptyTableInOneChunk() {
        AtomicLong rows = new AtomicLong();

        BackfillResult result = new SnapshotReader(spec, 4, 1000).read(empty, "tenant_id",
                (table, key, line) -> rows.incrementAndGet());

        assertThat(result.rows()).isZero();
        assertThat(result.chunks()).isEqualTo(1);
        assertThat(rows.get()).isZero();
    }

    @Test
    void shouldStopAndNameTheChunkWhenTheSinkFails() {
        SnapshotReader reader = new SnapshotReader(spec, 2, 1000);

        assertThatThrownBy(() -> reader.read(items, "tenant_id", (table, key, line) -> {
            throw new IllegalStateException("target is full");
        })).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("public.items chunk").hasMessageContaining("target is full");
    }

    @Test
    void shouldRejectUnknownShardKeyColumn() {
        assertThatThrownBy(() -> new SnapshotReader(spec).read(items, "nope", (t, k, l) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    private static long wholeTableChecksum() throws Exception {
        long sum = 0;
        try (Connection c = pg.connect("app")) {
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT id, note, tenant_id, v FROM items) TO STDOUT");
            byte[] line;
            while ((line = copy.readFromCopy()) != null) {
                sum += crc(line);
            }
        }
        return sum;
    }

    private static long crc(byte[] line) {
        CRC32 crc = new CRC32();
        crc.update(line);
        return crc.getValue();
    }
}
