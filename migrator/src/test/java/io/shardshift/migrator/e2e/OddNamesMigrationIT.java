package io.shardshift.migrator.e2e;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.testkit.DemoStack;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A migration of tables whose names only work quoted: {@code "Sales EU"."Order Items"} with primary key
 * {@code "Order ID"} and shard key {@code "tenantId"}, and {@code public."Ledger"}, which has no primary key
 * but a unique index on a {@code NOT NULL} column. Inserts, updates, tenant moves and deletes run during the
 * backfill and during streaming; at the end every source row equals its target row, in the target the layout
 * names, no target holds an extra row, and the online verifier agrees.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OddNamesMigrationIT {
    private static final String ITEMS = "\"Sales EU\".\"Order Items\"";
    private static final String LEDGER = "public.\"Ledger\"";
    private static final int ROWS = 3_000;
    static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DemoStack.start();
        try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA \"Sales EU\"");
            st.execute("CREATE TABLE " + ITEMS + " (\"Order ID\" bigint PRIMARY KEY, \"tenantId\" text NOT NULL,"
                    + " \"Qty\" int, \"Note \"\"x\"\"\" text)");
            st.execute("ALTER TABLE " + ITEMS + " REPLICA IDENTITY FULL");
            st.execute("INSERT INTO " + ITEMS + " SELECT g, 't' || (g % 8), g % 17, 'note ' || g"
                    + " FROM generate_series(1, " + ROWS + ") g");
            st.execute("CREATE TABLE " + LEDGER + " (\"entryNo\" bigint NOT NULL, \"tenantId\" text NOT NULL,"
                    + " amount numeric(12,2), memo text UNIQUE)");
            st.execute("CREATE UNIQUE INDEX \"Ledger entry\" ON " + LEDGER + " (\"entryNo\")");
            st.execute("ALTER TABLE " + LEDGER + " REPLICA IDENTITY FULL");
            st.execute("INSERT INTO " + LEDGER + " SELECT g, 't' || (g % 8), g * 1.5, NULL"
                    + " FROM generate_series(1, " + ROWS + ") g");
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldMigrateTablesWithAnyNameWhileWritesContinue(@TempDir Path state) throws Exception {
        MigrationSpec spec = spec();
        assertThat(spec.tableIds()).containsExactly(new TableId("Sales EU", "Order Items"),
                new TableId("public", "Ledger"));
        try (Writer writer = Writer.started(); MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            long atBackfillEnd = writer.ops.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> writer.ops.get() > atBackfillEnd + 600);
            writer.close();
            assertThat(writer.failure.get()).as("writer failure").isNull();

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            assertThat(runner.tables()).extracting(TableSchema::primaryKey)
                    .containsExactly(java.util.List.of("Order ID"), java.util.List.of("entryNo"));
            for (TableSchema table : runner.tables()) {
                CompareReport report = Compare.orders(stack, spec, table);
                assertThat(report.mismatches()).as(table.id().toString()).isEmpty();
                assertThat(report.clean()).as(table.id().toString()).isTrue();
                assertThat(report.sourceRows()).isEqualTo(count(table.id())).isGreaterThan(ROWS / 2);
            }
            assertThat(runner.deadLetters()).isZero();

            try (Verifier verifier = Verifier.inProcess(runner)) {
                VerifyReport verified = verifier.verify(VerifyOptions.defaults().withChunkRows(1_000)
                        .withRecheckTimeout(Duration.ofSeconds(30)));
                assertThat(verified.clean()).as(verified.toText()).isTrue();
                assertThat(verified.tables()).hasSize(2);
            }
        }
    }

    private static MigrationSpec spec() {
        String yaml = stack.specYaml("names", 200)
                .replace("  - name: public.orders\n", "  - name: '" + ITEMS + "'\n  - name: '" + LEDGER + "'\n")
                .replace("shardKey: tenant_id", "shardKey: tenantId")
                .replace("chunkRows: 25000", "chunkRows: 300");
        return SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
    }

    private static long count(TableId table) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Inserts, updates, tenant moves and deletes on both tables, one small transaction each, until closed. */
    private static final class Writer implements AutoCloseable {
        final AtomicLong ops = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "odd-names-writer");

        static Writer started() {
            Writer w = new Writer();
            w.thread.start();
            return w;
        }

        private void run() {
            Random random = new Random(7);
            long next = ROWS + 1;
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                while (running.get()) {
                    long id = 1 + random.nextInt((int) next);
                    String tenant = "t" + random.nextInt(8);
                    switch (random.nextInt(5)) {
                        case 0 -> exec(c, "INSERT INTO " + ITEMS + " VALUES (?, ?, 1, 'new') ON CONFLICT DO NOTHING",
                                next, tenant);
                        case 1 -> exec(c, "UPDATE " + ITEMS + " SET \"Qty\" = \"Qty\" + 1, \"Note \"\"x\"\"\" = 'upd'"
                                + " WHERE \"Order ID\" = ? AND \"tenantId\" <> ?", id, tenant);
                        case 2 -> exec(c, "UPDATE " + ITEMS + " SET \"tenantId\" = ? WHERE \"Order ID\" = ?", tenant, id);
                        case 3 -> exec(c, "DELETE FROM " + ITEMS + " WHERE \"Order ID\" = ? AND \"tenantId\" <> ?",
                                id, tenant);
                        default -> ledger(c, random, id, next, tenant);
                    }
                    next++;
                    ops.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        private static void ledger(Connection c, Random random, long id, long next, String tenant) throws SQLException {
            switch (random.nextInt(4)) {
                case 0 -> exec(c, "INSERT INTO " + LEDGER + " VALUES (?, ?, 1.25, NULL) ON CONFLICT DO NOTHING",
                        next, tenant);
                case 1 -> exec(c, "UPDATE " + LEDGER + " SET amount = amount + 1 WHERE \"entryNo\" = ? AND \"tenantId\" <> ?",
                        id, tenant);
                case 2 -> exec(c, "UPDATE " + LEDGER + " SET \"tenantId\" = ? WHERE \"entryNo\" = ?", tenant, id);
                default -> exec(c, "DELETE FROM " + LEDGER + " WHERE \"entryNo\" = ? AND \"tenantId\" <> ?", id, tenant);
            }
        }

        private static void exec(Connection c, String sql, Object a, Object b) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, a);
                ps.setObject(2, b);
                ps.executeUpdate();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
