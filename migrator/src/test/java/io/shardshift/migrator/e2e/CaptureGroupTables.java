package io.shardshift.migrator.e2e;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.DemoStack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source tables for the capture group tests: each {@code (id bigint PK, tenant_id, seq, note)} with
 * {@link #ROWS} rows, REPLICA IDENTITY FULL, of different sizes (so the split by size is not a tie); a spec over
 * them with {@code capture.groups}; a writer; and the row check.
 */
final class CaptureGroupTables {
    static final int ROWS = 1_500;

    private CaptureGroupTables() {
    }

    /** Creates the tables, the first the largest. */
    static void create(DemoStack stack, List<String> tables) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            for (int i = 0; i < tables.size(); i++) {
                String t = tables.get(i);
                st.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, tenant_id text NOT NULL, seq bigint NOT NULL,"
                        + " note text)");
                st.execute("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
                st.execute("INSERT INTO " + t + " SELECT g, 't' || (g % 8), 0, repeat('x', " + Math.max(20, 300 - 100 * i)
                        + ") FROM generate_series(1, " + ROWS + ") g");
            }
        }
    }

    /** The demo spec over these tables with {@code capture.groups: groups}. */
    static String specYaml(DemoStack stack, String name, List<String> tables, int groups) {
        StringBuilder list = new StringBuilder();
        tables.forEach(t -> list.append("  - name: ").append(t).append('\n'));
        return stack.specYaml(name, 200).replace("  - name: public.orders\n", list.toString())
                .replace("chunkRows: 25000", "chunkRows: 500") + "capture: {groups: " + groups + "}\n";
    }

    static MigrationSpec spec(DemoStack stack, String name, List<String> tables, int groups) {
        return SpecLoader.parse(specYaml(stack, name, tables, groups),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
    }

    /** Every table: each source row equals its target row, in the layout's target, nothing extra. */
    static void assertEveryRowEqual(DemoStack stack, MigrationSpec spec, List<TableSchema> tables) throws Exception {
        for (TableSchema table : tables) {
            CompareReport report = Compare.orders(stack, spec, table);
            assertThat(report.mismatches()).as(table.id().toString()).isEmpty();
            assertThat(report.clean()).as(table.id().toString()).isTrue();
            assertThat(report.sourceRows()).as(table.id().toString()).isEqualTo(count(stack, table.id()))
                    .isGreaterThan(ROWS / 2);
        }
    }

    /** How many of the spec's capture groups' slots a walsender streams now. */
    static int activeSlots(DemoStack stack, MigrationSpec spec) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE);
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", spec.slotNames().toArray()));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static long count(DemoStack stack, TableId table) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Updates (seq + 1), inserts of new keys, tenant moves and deletes over the tables, in transactions of three
     * statements on random tables (so many span several capture groups), until closed.
     */
    static final class Writer implements AutoCloseable {
        final AtomicLong ops = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final DemoStack stack;
        private final List<String> tables;
        private final long firstNewId;
        private final Thread thread;

        private Writer(DemoStack stack, List<String> tables, int round) {
            this.stack = stack;
            this.tables = tables;
            this.firstNewId = round * 1_000_000L;
            this.thread = new Thread(this::run, "capture-groups-writer-" + round);
        }

        /** Starts writing; {@code round} keeps the new keys of different writers apart. */
        static Writer started(DemoStack stack, List<String> tables, int round) {
            Writer w = new Writer(stack, tables, round);
            w.thread.start();
            return w;
        }

        private void run() {
            Random random = new Random(firstNewId);
            long next = firstNewId;
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                c.setAutoCommit(false);
                while (running.get()) {
                    for (int i = 0; i < 3; i++) {
                        String t = tables.get(random.nextInt(tables.size()));
                        long id = 1 + random.nextInt(ROWS);
                        switch (random.nextInt(6)) {
                            case 0 -> exec(c, "INSERT INTO " + t + " VALUES (?, ?, 0, 'new')", next++, "t" + random.nextInt(8));
                            case 1 -> exec(c, "UPDATE " + t + " SET tenant_id = ?, seq = seq + 1 WHERE id = ?",
                                    "t" + random.nextInt(8), id);
                            case 2 -> exec(c, "DELETE FROM " + t + " WHERE id = ? AND seq > 3", id, null);
                            default -> exec(c, "UPDATE " + t + " SET seq = seq + 1, note = 'upd' WHERE id = ?", id, null);
                        }
                        ops.incrementAndGet();
                    }
                    c.commit();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        private static void exec(Connection c, String sql, Object a, Object b) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, a);
                if (b != null) {
                    ps.setObject(2, b);
                }
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
