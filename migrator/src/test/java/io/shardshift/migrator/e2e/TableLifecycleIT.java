package io.shardshift.migrator.e2e;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.testkit.DemoSource;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What happens to the targets when a source table's life goes on during a migration: a {@code TRUNCATE}
 * while changes stream empties the table on every target, and the rows written after it arrive; a
 * range-partitioned table is migrated as one table, with the changes of every partition; a {@code DROP COLUMN}
 * pauses the table (nothing is written with the column NULL) until the targets have the same DDL and the
 * table is resumed.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TableLifecycleIT {
    static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DemoStack.start();
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 20_000);
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldEmptyEveryTargetOnTruncateAndKeepTheRowsWrittenAfterIt(@TempDir Path state) throws Exception {
        MigrationSpec spec = stack.spec("truncate", 500);
        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("UPDATE public.orders SET status = 'before-truncate' WHERE id % 7 = 0");
            stack.executeOnSource("INSERT INTO public.orders (tenant_id, customer, status, amount) "
                    + "SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'c', 'new', g FROM generate_series(1, 300) g");
            stack.executeOnSource("TRUNCATE public.orders");
            stack.executeOnSource("INSERT INTO public.orders (tenant_id, customer, status, amount) "
                    + "SELECT CASE WHEN g % 3 = 0 THEN 'acme' ELSE 'initech' END, 'c', 'after', g FROM generate_series(1, 1000) g");
            stack.executeOnSource("UPDATE public.orders SET status = 'updated-after' WHERE id % 5 = 0");
            stack.executeOnSource("DELETE FROM public.orders WHERE id % 11 = 0");

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            CompareReport report = Compare.orders(stack, spec, runner.tables().get(0));
            assertThat(report.mismatches()).as("rows that differ after the truncate").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(countSourceRows()).isGreaterThan(800).isLessThan(1000);
            assertThat(targetRows()).as("rows on pg_a and pg_b").isEqualTo(report.sourceRows());
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldMigrateARangePartitionedTableWithChangesInEveryPartition(@TempDir Path state) throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.events");
        stack.executeOnSource("""
                CREATE TABLE public.events (id bigint NOT NULL, tenant_id text NOT NULL, day date NOT NULL, note text,
                  PRIMARY KEY (id, day)) PARTITION BY RANGE (day)""");
        for (int m = 1; m <= 3; m++) {
            stack.executeOnSource("CREATE TABLE public.events_m" + m + " PARTITION OF public.events FOR VALUES FROM ('2026-0" + m
                    + "-01') TO ('2026-0" + (m + 1) + "-01')");
            stack.executeOnSource("ALTER TABLE public.events_m" + m + " REPLICA IDENTITY FULL");
        }
        stack.executeOnSource("ALTER TABLE public.events REPLICA IDENTITY FULL");
        stack.executeOnSource(insertEvents(1, 6_000, "backfilled"));
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("parts", 500).replace("public.orders", "public.events"),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            stack.executeOnSource(insertEvents(6_001, 6_600, "during-backfill"));
            stack.executeOnSource("UPDATE public.events SET note = 'updated-during-backfill' WHERE id % 13 = 0");
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource(insertEvents(6_601, 7_200, "streamed"));
            stack.executeOnSource("UPDATE public.events SET note = 'updated', tenant_id = 'acme' WHERE id % 7 = 0");
            stack.executeOnSource("DELETE FROM public.events WHERE id % 11 = 0");
            stack.executeOnSource("UPDATE public.events SET day = day + 31 WHERE id % 17 = 0 AND day < '2026-03-01'");

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            CompareReport report = Compare.orders(stack, spec, runner.tables().get(0));
            assertThat(report.mismatches()).as("rows that differ").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isGreaterThan(6_000);
            assertThat(runner.deadLetters()).isZero();
        }
    }

    @Test
    void shouldPauseTheTableOnDropColumnWriteNoNullAndApplyTheHeldChangesAfterResume(@TempDir Path state)
            throws Exception {
        stack.executeOnSource("DROP TABLE IF EXISTS public.notes");
        stack.executeOnSource("CREATE TABLE public.notes (id bigint PRIMARY KEY, tenant_id text NOT NULL, note text, extra text)");
        stack.executeOnSource("ALTER TABLE public.notes REPLICA IDENTITY FULL");
        stack.executeOnSource("INSERT INTO public.notes SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'n', 'x' || g"
                + " FROM generate_series(1, 2000) g");
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("dropcol", 500).replace("public.orders", "public.notes"),
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));

        try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
            stack.executeOnSource("UPDATE public.notes SET note = 'before-drop' WHERE id % 10 = 0");
            stack.executeOnSource("ALTER TABLE public.notes DROP COLUMN extra");
            stack.executeOnSource("INSERT INTO public.notes SELECT g, 'acme', 'after-drop' FROM generate_series(2001, 2100) g");
            stack.executeOnSource("UPDATE public.notes SET note = 'updated-after-drop' WHERE id % 7 = 0");

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(runner.pausedTables())
                    .singleElement().satisfies(p -> {
                        assertThat(p.table()).hasToString("public.notes");
                        assertThat(p.reason()).contains("column extra is no longer in the changes");
                        assertThat(p.lsn()).isPositive();
                    }));
            assertThat(stack.countOnTargets("public.notes", "id > 2000")).as("rows inserted after the drop").isZero();
            assertThat(stack.countOnTargets("public.notes", "extra IS NULL")).as("rows with extra written as NULL").isZero();
            assertThat(stack.countOnTargets("public.notes", "note = 'updated-after-drop'")).as("updates after the drop").isZero();
            assertThat(runner.deadLetters()).isZero();
            assertThatThrownBy(() -> runner.resumeTable(TableId.parse("public.notes")))
                    .as("resume before the targets have the DDL").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("apply the same DDL to every target first");
            assertThat(runner.pausedTables()).hasSize(1);

            for (int i = 0; i < 2; i++) {
                try (Connection c = stack.targets().get(i).connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE public.notes DROP COLUMN extra");
                }
            }
            assertThat(runner.resumeTable(TableId.parse("public.notes"))).contains("resumed");
            assertThat(runner.pausedTables()).isEmpty();
            stack.executeOnSource("INSERT INTO public.notes VALUES (3000, 'globex', 'after-resume')");
            Drain.await(runner.lag(), Duration.ofMinutes(2));

            TableSchema now = runner.tables().get(0);
            TableSchema dropped = new TableSchema(now.id(), now.columns().stream().filter(c -> !c.name().equals("extra"))
                    .toList(), now.primaryKey(), List.of(), true);
            CompareReport report = Compare.orders(stack, spec, dropped);
            assertThat(report.mismatches()).as("rows that differ after resume").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(2101);
            assertThat(runner.deadLetters()).isZero();
        }
    }

    /** Rows with ids from..to spread over the three monthly partitions. */
    private static String insertEvents(int from, int to, String note) {
        return "INSERT INTO public.events SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END,"
                + " date '2026-01-01' + (g % 90), '" + note + "' FROM generate_series(" + from + ", " + to + ") g";
    }

    private static long countSourceRows() throws SQLException {
        return count(stack.source().connect(DemoStack.DATABASE));
    }

    private static long targetRows() throws SQLException {
        return count(stack.targets().get(0).connect(DemoStack.DATABASE))
                + count(stack.targets().get(1).connect(DemoStack.DATABASE));
    }

    private static long count(Connection connection) throws SQLException {
        try (Connection c = connection; Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
