package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to the targets when a source table's life goes on during a migration: a {@code TRUNCATE}
 * while changes stream empties the table on every target, and the rows written after it arrive.
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
            source("UPDATE public.orders SET status = 'before-truncate' WHERE id % 7 = 0");
            source("INSERT INTO public.orders (tenant_id, customer, status, amount) "
                    + "SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'c', 'new', g FROM generate_series(1, 300) g");
            source("TRUNCATE public.orders");
            source("INSERT INTO public.orders (tenant_id, customer, status, amount) "
                    + "SELECT CASE WHEN g % 3 = 0 THEN 'acme' ELSE 'initech' END, 'c', 'after', g FROM generate_series(1, 1000) g");
            source("UPDATE public.orders SET status = 'updated-after' WHERE id % 5 = 0");
            source("DELETE FROM public.orders WHERE id % 11 = 0");

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            CompareReport report = Compare.orders(stack, spec, runner.tables().get(0));
            assertThat(report.mismatches()).as("rows that differ after the truncate").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(countSourceRows()).isGreaterThan(800).isLessThan(1000);
            assertThat(targetRows()).as("rows on pg_a and pg_b").isEqualTo(report.sourceRows());
            assertThat(runner.deadLetters()).isZero();
        }
    }

    private static void source(String sql) throws SQLException {
        try (Connection c = stack.source().connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            st.execute(sql);
        }
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
