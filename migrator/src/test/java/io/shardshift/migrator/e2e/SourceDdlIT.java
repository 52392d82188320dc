package io.shardshift.migrator.e2e;

import io.shardshift.cdc.SourceCatalog;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.sink.pg.PgProvisioner;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.testkit.DemoStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Source DDL during a migration: {@code ADD COLUMN} (with and without a default) and widened types are
 * followed on the targets under a write stream without pausing the table, and every row is equal
 * afterwards; a narrowed type pauses the table naming the column and both types. A partition attached with
 * rows is copied (its rows arrive on the targets); a detached partition pauses the table, naming it.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SourceDdlIT {
    static DemoStack stack;

    @BeforeAll
    static void startStack() {
        stack = DemoStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldFollowAddColumnAndWideningUnderWritesWithoutPausing(@TempDir Path state) throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.items");
        stack.executeOnSource("CREATE TABLE public.items (id bigint PRIMARY KEY, tenant_id text NOT NULL, note varchar(10), qty integer)");
        stack.executeOnSource("ALTER TABLE public.items REPLICA IDENTITY FULL");
        stack.executeOnSource("INSERT INTO public.items SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'n' || g, g"
                + " FROM generate_series(1, 3000) g");
        MigrationSpec spec = spec("ddl_add", "public.items");

        try (MigrationRunner runner = MigrationRunner.start(spec, state);
             Writer writer = new Writer(3000);
             PauseSampler sampler = new PauseSampler(runner)) {
            Set<String> pauses = sampler.seen;
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            writer.start();
            writer.awaitWrites(200);
            stack.executeOnSource("ALTER TABLE public.items ADD COLUMN color text");
            writer.phase.set(1);
            writer.awaitWrites(200);
            stack.executeOnSource("ALTER TABLE public.items ADD COLUMN score integer NOT NULL DEFAULT 7");
            writer.phase.set(2);
            writer.awaitWrites(200);
            stack.executeOnSource("ALTER TABLE public.items ALTER COLUMN note TYPE varchar(40)");
            writer.phase.set(3);
            writer.awaitWrites(200);
            stack.executeOnSource("ALTER TABLE public.items ALTER COLUMN qty TYPE bigint");
            writer.phase.set(4);
            writer.awaitWrites(200);
            writer.close();
            assertThat(writer.failure.get()).as("writer error").isNull();

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            TableSchema now = readSource(TableId.parse("public.items"));
            assertThat(now.columnNames()).containsExactly("id", "tenant_id", "note", "qty", "color", "score");
            CompareReport report = Compare.orders(stack, spec, now);
            assertThat(report.mismatches()).as("rows that differ").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isGreaterThan(3000);
            assertThat(runner.deadLetters()).as("dead letters").isZero();
            assertThat(runner.pausedTables()).isEmpty();
            assertThat(pauses).as("pauses seen during the run").isEmpty();
            for (int i = 0; i < 2; i++) {
                List<ColumnDef> onTarget = PgProvisioner.columnsOnTarget(spec.targets().get(i), now.id());
                assertThat(onTarget).as("columns on target " + i).containsExactlyElementsOf(now.columns());
            }
            assertThat(stack.countOnTargets("public.items", "score = 7 AND id <= 3000 AND color IS NULL"))
                    .as("rows from before the ADD keep the default").isPositive();
        }
    }

    @Test
    void shouldFollowAtRestartTheColumnsAddedAndWidenedWhileTheMigratorWasStopped(@TempDir Path state) throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.tags");
        stack.executeOnSource("CREATE TABLE public.tags (id bigint PRIMARY KEY, tenant_id text NOT NULL, tag varchar(6))");
        stack.executeOnSource("ALTER TABLE public.tags REPLICA IDENTITY FULL");
        stack.executeOnSource("INSERT INTO public.tags SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 't' || g"
                + " FROM generate_series(1, 1000) g");
        MigrationSpec spec = spec("ddl_restart", "public.tags");
        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("UPDATE public.tags SET tag = 'before' WHERE id % 5 = 0");
            Drain.await(runner.lag(), Duration.ofMinutes(1));
            stack.executeOnSource("UPDATE public.tags SET tag = 'stop' WHERE id % 7 = 0");
        }
        stack.executeOnSource("ALTER TABLE public.tags ADD COLUMN weight numeric(6,2) DEFAULT 1.5");
        stack.executeOnSource("ALTER TABLE public.tags ALTER COLUMN tag TYPE varchar(30)");
        stack.executeOnSource("UPDATE public.tags SET tag = 'a longer tag after restart', weight = 2.25 WHERE id % 3 = 0");
        stack.executeOnSource("INSERT INTO public.tags VALUES (5000, 'acme', 'new row while stopped', 9.75)");

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            Drain.await(runner.lag(), Duration.ofMinutes(2));
            TableSchema now = readSource(TableId.parse("public.tags"));
            CompareReport report = Compare.orders(stack, spec, now);
            assertThat(report.mismatches()).as("rows that differ").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(1001);
            assertThat(runner.pausedTables()).isEmpty();
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldPauseTheTableWhenATypeIsNarrowedNamingTheColumnAndBothTypes(@TempDir Path state) throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.labels");
        stack.executeOnSource("CREATE TABLE public.labels (id bigint PRIMARY KEY, tenant_id text NOT NULL, label varchar(20))");
        stack.executeOnSource("ALTER TABLE public.labels REPLICA IDENTITY FULL");
        stack.executeOnSource("INSERT INTO public.labels SELECT g, 'acme', 'l' || g FROM generate_series(1, 500) g");
        MigrationSpec spec = spec("ddl_narrow", "public.labels");

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("ALTER TABLE public.labels ALTER COLUMN label TYPE varchar(8)");
            stack.executeOnSource("UPDATE public.labels SET label = 'after' WHERE id <= 10");

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(runner.pausedTables())
                    .singleElement().satisfies(p -> {
                        assertThat(p.table()).hasToString("public.labels");
                        assertThat(p.reason()).contains("column label changed type from character varying(20) to"
                                + " character varying(8)").contains("not a widening").contains("ALTER COLUMN");
                    }));
            assertThat(runner.tablesHeldBack()).as("what holds the cutover back").singleElement().asString()
                    .contains("public.labels paused");
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldPauseTheTableWhenAGeneratedColumnIsAddedAndResumeOnceTheTargetsHaveIt(@TempDir Path state)
            throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.prices");
        stack.executeOnSource("CREATE TABLE public.prices (id bigint PRIMARY KEY, tenant_id text NOT NULL, net numeric(10,2),"
                + " gross numeric(12,2) GENERATED ALWAYS AS (net * 1.2) STORED)");
        stack.executeOnSource("ALTER TABLE public.prices REPLICA IDENTITY FULL");
        stack.executeOnSource("INSERT INTO public.prices SELECT g, 'acme', g FROM generate_series(1, 300) g");
        MigrationSpec spec = spec("ddl_generated", "public.prices");

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("UPDATE public.prices SET net = net + 1 WHERE id <= 10");
            Drain.await(runner.lag(), Duration.ofMinutes(1));
            assertThat(runner.pausedTables()).as("a generated column the targets have pauses nothing").isEmpty();

            stack.executeOnSource("ALTER TABLE public.prices ADD COLUMN tax numeric(12,2) GENERATED ALWAYS AS (net * 0.2) STORED");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(runner.pausedTables())
                    .singleElement().satisfies(p -> {
                        assertThat(p.table()).hasToString("public.prices");
                        assertThat(p.reason()).contains("generated column tax").contains(
                                "ALTER TABLE \"public\".\"prices\" ADD COLUMN \"tax\" numeric(12,2) GENERATED ALWAYS AS");
                    }));
            assertThat(runner.tablesHeldBack()).singleElement().asString().contains("public.prices paused");
            stack.executeOnSource("UPDATE public.prices SET net = net + 1 WHERE id > 290");

            for (DevPostgres target : stack.targets()) {
                try (Connection c = target.connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE public.prices ADD COLUMN tax numeric(12,2) GENERATED ALWAYS AS (net * 0.2) STORED");
                }
            }
            runner.resumeTable(TableId.parse("public.prices"));

            TableSchema table = readSource(TableId.parse("public.prices"));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                Drain.await(runner.lag(), Duration.ofMinutes(1));
                assertThat(runner.pausedTables()).isEmpty();
                CompareReport report = Compare.orders(stack, spec, table);
                assertThat(report.mismatches()).as("rows that differ").isEmpty();
                assertThat(report.clean()).isTrue();
            });
            assertThat(stack.countOnTargets("public.prices", "tax = net * 0.2 AND net = id + 1")).isEqualTo(20);
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldCopyTheRowsOfAPartitionAttachedWithRows(@TempDir Path state) throws Exception {
        createMonthlyTable("public.events", 2);
        stack.executeOnSource(insertDays("public.events", 1, 2_000, "backfilled", 59));
        MigrationSpec spec = spec("part_attach", "public.events");

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("DROP TABLE IF EXISTS public.events_m3");
            stack.executeOnSource("CREATE TABLE public.events_m3 (id bigint NOT NULL, tenant_id text NOT NULL, day date NOT NULL,"
                    + " note text)");
            stack.executeOnSource("ALTER TABLE public.events_m3 REPLICA IDENTITY FULL");
            stack.executeOnSource("INSERT INTO public.events_m3 SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END,"
                    + " date '2026-03-01' + (g % 28), 'attached' FROM generate_series(5001, 5600) g");
            stack.executeOnSource("ALTER TABLE public.events ATTACH PARTITION public.events_m3"
                    + " FOR VALUES FROM ('2026-03-01') TO ('2026-04-01')");
            stack.executeOnSource("UPDATE public.events SET note = 'updated after attach' WHERE id % 10 = 0");
            stack.executeOnSource(insertDays("public.events", 6_001, 6_100, "streamed", 89));

            TableSchema table = readSource(TableId.parse("public.events"));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                Drain.await(runner.lag(), Duration.ofMinutes(1));
                assertThat(runner.pausedTables()).as("paused tables").isEmpty();
                CompareReport report = Compare.orders(stack, spec, table);
                assertThat(report.mismatches()).as("rows that differ").isEmpty();
                assertThat(report.clean()).isTrue();
            });
            assertThat(stack.countOnTargets("public.events", "note = 'attached'")).as("rows of the attached partition").isPositive();
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldPauseTheTableWhenAPartitionIsDetachedNamingItAndTheFix(@TempDir Path state) throws Exception {
        createMonthlyTable("public.visits", 3);
        stack.executeOnSource(insertDays("public.visits", 1, 900, "backfilled", 89));
        MigrationSpec spec = spec("part_detach", "public.visits");

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("ALTER TABLE public.visits DETACH PARTITION public.visits_m2");

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(runner.pausedTables())
                    .singleElement().satisfies(p -> {
                        assertThat(p.table()).hasToString("public.visits");
                        assertThat(p.reason()).contains("public.visits_m2").contains("DETACH PARTITION")
                                .contains("--repair");
                    }));
            assertThat(runner.tablesHeldBack()).as("what holds the cutover back").singleElement().asString()
                    .contains("public.visits paused");
        }
    }

    @Test
    void shouldSeeAtRestartAPartitionDetachedWhileTheMigratorWasStopped(@TempDir Path state) throws Exception {
        createMonthlyTable("public.trips", 3);
        stack.executeOnSource(insertDays("public.trips", 1, 900, "backfilled", 89));
        MigrationSpec spec = spec("part_stopped", "public.trips");
        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            Drain.await(runner.lag(), Duration.ofMinutes(1));
            assertThat(runner.pausedTables()).isEmpty();
        }

        stack.executeOnSource("ALTER TABLE public.trips DETACH PARTITION public.trips_m2");

        try (MigrationRunner restarted = MigrationRunner.start(spec, state)) {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(restarted.pausedTables())
                    .singleElement().satisfies(p -> {
                        assertThat(p.table()).hasToString("public.trips");
                        assertThat(p.reason()).contains("public.trips_m2").contains("DETACH PARTITION")
                                .contains("--repair");
                    }));
            assertThat(restarted.tablesHeldBack()).singleElement().asString().contains("public.trips paused");
        }
    }

    @Test
    void shouldGiveTheTargetsTheSamePartitioningAndCreateAPartitionAttachedDuringTheMigration(@TempDir Path state)
            throws Exception {
        createMonthlyTable("public.sales", 2);
        stack.executeOnSource("CREATE TABLE public.sales_other PARTITION OF public.sales DEFAULT");
        stack.executeOnSource("ALTER TABLE public.sales_other REPLICA IDENTITY FULL");
        stack.executeOnSource(insertDays("public.sales", 1, 1_500, "backfilled", 59));
        stack.executeOnSource("INSERT INTO public.sales VALUES (9001, 'acme', '2027-05-01', 'in the default partition')");
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("part_same", 200)
                        .replace("- name: public.orders", "- {name: public.sales, targetPartitioning: same}"),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("UPDATE public.sales SET note = 'streamed update' WHERE id % 9 = 0");
            stack.executeOnSource("DELETE FROM public.sales WHERE id % 13 = 0");
            stack.executeOnSource("DROP TABLE IF EXISTS public.sales_m3");
            stack.executeOnSource("CREATE TABLE public.sales_m3 (id bigint NOT NULL, tenant_id text NOT NULL, day date NOT NULL,"
                    + " note text)");
            stack.executeOnSource("ALTER TABLE public.sales_m3 REPLICA IDENTITY FULL");
            stack.executeOnSource("INSERT INTO public.sales_m3 SELECT g, 'globex', date '2026-03-01' + (g % 28), 'attached'"
                    + " FROM generate_series(3001, 3300) g");
            stack.executeOnSource("ALTER TABLE public.sales ATTACH PARTITION public.sales_m3"
                    + " FOR VALUES FROM ('2026-03-01') TO ('2026-04-01')");

            TableSchema table = readSource(TableId.parse("public.sales"));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                Drain.await(runner.lag(), Duration.ofMinutes(1));
                assertThat(runner.pausedTables()).as("paused tables").isEmpty();
                CompareReport report = Compare.orders(stack, spec, table);
                assertThat(report.mismatches()).as("rows that differ").isEmpty();
                assertThat(report.clean()).isTrue();
            });
            String layout = "SELECT pg_get_partkeydef('public.sales'::regclass) || ' ' || string_agg(c.relname || ' '"
                    + " || pg_get_expr(c.relpartbound, c.oid), '; ' ORDER BY c.relname) FROM pg_inherits i"
                    + " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.sales'::regclass";
            String onSource = scalar(stack.source().connect(DemoStack.DATABASE), layout);
            assertThat(onSource).contains("RANGE (day)").contains("sales_m3").contains("sales_other DEFAULT");
            for (int i = 0; i < 2; i++) {
                assertThat(scalar(stack.targets().get(i).connect(DemoStack.DATABASE), layout))
                        .as("partitioning of target " + i).isEqualTo(onSource);
            }
            assertThat(stack.countOnTargets("public.sales_m3", "note = 'attached'")).as("attached rows in their partition")
                    .isEqualTo(300);
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldRefuseTheSamePartitioningForATableThatIsNotPartitioned(@TempDir Path state) throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.flat");
        stack.executeOnSource("CREATE TABLE public.flat (id bigint PRIMARY KEY, tenant_id text NOT NULL)");
        stack.executeOnSource("ALTER TABLE public.flat REPLICA IDENTITY FULL");
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("part_flat", 200)
                        .replace("- name: public.orders", "- {name: public.flat, targetPartitioning: same}"),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));

        assertThatThrownBy(() -> MigrationRunner.start(spec, state)).isInstanceOf(SpecException.class)
                .hasMessageContaining("tables[0].targetPartitioning")
                .hasMessageContaining("table public.flat is not partitioned; use targetPartitioning: plain");
    }

    private static String scalar(Connection connection, String sql) throws SQLException {
        try (Connection c = connection; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A table partitioned by month from January 2026, {@code months} partitions, with REPLICA IDENTITY FULL. */
    private static void createMonthlyTable(String table, int months) throws SQLException {
        stack.executeOnSource("DROP TABLE IF EXISTS " + table + " CASCADE");
        stack.executeOnSource("CREATE TABLE " + table + " (id bigint NOT NULL, tenant_id text NOT NULL, day date NOT NULL, note text,"
                + " PRIMARY KEY (id, day)) PARTITION BY RANGE (day)");
        for (int m = 1; m <= months; m++) {
            stack.executeOnSource("DROP TABLE IF EXISTS " + table + "_m" + m);
            stack.executeOnSource("CREATE TABLE " + table + "_m" + m + " PARTITION OF " + table + " FOR VALUES FROM ('2026-0" + m
                    + "-01') TO ('2026-0" + (m + 1) + "-01')");
            stack.executeOnSource("ALTER TABLE " + table + "_m" + m + " REPLICA IDENTITY FULL");
        }
        stack.executeOnSource("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
    }

    /** Rows with ids from..to on days spread over the first {@code days} days of 2026. */
    private static String insertDays(String table, int from, int to, String note, int days) {
        return "INSERT INTO " + table + " SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END,"
                + " date '2026-01-01' + (g % " + days + "), '" + note + "' FROM generate_series(" + from + ", " + to + ") g";
    }

    /** Records every pause the runner reports, sampled every 20 ms. */
    static final class PauseSampler implements AutoCloseable {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pause-sampler");
            t.setDaemon(true);
            return t;
        });

        PauseSampler(MigrationRunner runner) {
            timer.scheduleAtFixedRate(() -> runner.pausedTables().forEach(p -> seen.add(p.describe())), 0, 20,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Inserts and updates rows of public.items, using the columns each phase of the test has added. */
    static final class Writer implements AutoCloseable {
        final AtomicInteger phase = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong nextId;
        private final AtomicLong writes = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread = new Thread(this::run, "ddl-writer");

        Writer(long lastId) {
            nextId = new AtomicLong(lastId);
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void awaitWrites(long more) {
            long target = writes.get() + more;
            await().atMost(Duration.ofMinutes(1)).until(() -> writes.get() >= target || failure.get() != null);
        }

        private void run() {
            try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
                for (long n = 0; !stop.get(); n++) {
                    st.execute(n % 2 == 0 ? insert() : update(n));
                    writes.incrementAndGet();
                    Thread.sleep(3);
                }
            } catch (SQLException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private String insert() {
            long id = nextId.incrementAndGet();
            int p = phase.get();
            String tenant = id % 3 == 0 ? "acme" : "initech";
            String note = p >= 3 ? "'a much longer note than before, " + id + "'" : "'i" + id + "'";
            String qty = p >= 4 ? Long.toString(5_000_000_000L + id) : Long.toString(id);
            String cols = "id, tenant_id, note, qty" + (p >= 1 ? ", color" : "") + (p >= 2 ? ", score" : "");
            String vals = id + ", '" + tenant + "', " + note + ", " + qty + (p >= 1 ? ", 'red'" : "") + (p >= 2 ? ", " + id % 100 : "");
            return "INSERT INTO public.items (" + cols + ") VALUES (" + vals + ")";
        }

        private String update(long n) {
            long id = 1 + (n * 7919) % nextId.get();
            int p = phase.get();
            String set = "note = 'u" + (n % 1000) + "'" + (p >= 1 ? ", color = 'blue'" : "") + (p >= 2 ? ", score = score + 1" : "")
                    + (p >= 3 ? ", note = 'updated after the widening " + n + "'" : "")
                    + (p >= 4 ? ", qty = " + (6_000_000_000L + n) : ", qty = qty + 1");
            if (p >= 3) {
                set = set.replaceFirst("note = 'u[0-9]+', ", "");
            }
            return "UPDATE public.items SET " + set + " WHERE id = " + id;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static MigrationSpec spec(String name, String table) {
        return SpecLoader.parse(stack.specYaml(name, 200).replace("public.orders", table),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
    }

    private static TableSchema readSource(TableId table) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            return new SourceCatalog(c).read(table);
        }
    }
}
