package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.testkit.RowCompare;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * A tenant rehome on real PostgreSQL and Kafka: the spec moves only tenants {@code acme} and {@code o'hara}
 * (a value that needs quoting) while writes go on, rows moving into and out of those tenants included. Once
 * writes stop and lag is zero, the targets hold exactly the source's rows of those tenants, all columns
 * equal, each where the layout puts it, and nothing of any other tenant; the verifier agrees, and reports
 * (then repairs) a row of another tenant put into a target by hand.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TenantScopedMigrationIT {
    static final String QUOTED = "o'hara";
    static final String MOVED_SQL = "('acme', 'o''hara')";
    static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DemoStack.start();
        try (Connection c = source(); Statement st = c.createStatement()) {
            DemoSource.create(c, 30_000);
            st.execute("INSERT INTO public.orders (tenant_id, customer, status, amount, note) SELECT 'o''hara', "
                    + "'customer-' || g, 'new', g, E'quoted \\\\ tenant' FROM generate_series(1, 300) g");
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldMoveOnlyTheScopedTenantsRowsWhileWritesMoveRowsInAndOut(@TempDir Path state) throws Exception {
        MigrationSpec spec = SpecLoader.parse(stack.specYaml("rehome", 200) + "tenants: [acme, \"" + QUOTED + "\"]\n",
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        assertThat(spec.tenants()).containsExactly("acme", QUOTED);
        String url = stack.source().jdbcUrl(DemoStack.DATABASE);
        try (WriteLoad load = new WriteLoad(url, stack.source().user(), stack.source().password(), 3, 300).start();
             MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(1))).as("backfill finished").isTrue();
            assertThat(runner.backfillProgress().values()).allSatisfy(p -> assertThat(p.fraction()).isEqualTo(1.0));
            moveRowsInAndOutOfTheScope();
            long writesAtBackfillEnd = load.total();
            await().atMost(Duration.ofSeconds(40)).until(() -> load.total() > writesAtBackfillEnd + 1_500);
            load.stop();

            Drain.await(runner.lag(), Duration.ofMinutes(1));

            CompareReport report = compare(spec, runner);
            assertThat(report.mismatches()).as("targets vs the moved tenants' source rows").isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(sourceCount("tenant_id IN " + MOVED_SQL)).isGreaterThan(14_000);
            assertThat(report.targetRows()).isEqualTo(report.sourceRows());
            for (DevPostgres target : stack.targets()) {
                assertThat(count(target, "tenant_id NOT IN " + MOVED_SQL)).as("other tenants' rows on a target").isZero();
            }
            DevPostgres quotedTarget = spec.routing().targetFor(QUOTED).equals("pg_a") ? stack.targets().get(0)
                    : stack.targets().get(1);
            assertThat(count(quotedTarget, "tenant_id = 'o''hara' AND note = E'quoted \\\\ tenant'"))
                    .isEqualTo(sourceCount("tenant_id = 'o''hara' AND note = E'quoted \\\\ tenant'")).isPositive();
            assertThat(sourceCount("tenant_id NOT IN " + MOVED_SQL)).as("the other tenants stay on the source").isGreaterThan(10_000);
            assertThat(runner.deadLetters()).isZero();

            verifyCleanThenFindAndRepairAnotherTenantsRow(runner);
        }
    }

    /** Moves rows out of the scope (then changes them), into it (then changes them), and deletes on both sides. */
    private static void moveRowsInAndOutOfTheScope() throws Exception {
        try (Connection c = source(); Statement st = c.createStatement()) {
            st.execute("UPDATE public.orders SET tenant_id = 'globex' WHERE id IN (2, 4, 6, 8)");
            st.execute("UPDATE public.orders SET note = 'left acme' WHERE id IN (2, 4)");
            st.execute("UPDATE public.orders SET tenant_id = 'acme', note = 'joined acme' WHERE id IN (1, 3, 5)");
            st.execute("UPDATE public.orders SET amount = amount + 1 WHERE id IN (1, 3)");
            st.execute("UPDATE public.orders SET tenant_id = 'o''hara' WHERE id IN (7, 9)");
            st.execute("UPDATE public.orders SET tenant_id = 'acme' WHERE tenant_id = 'o''hara' AND customer = 'customer-1'");
            st.execute("DELETE FROM public.orders WHERE id IN (10, 11, 12)");
            st.execute("UPDATE public.orders SET tenant_id = 'acme' WHERE id = 8");
        }
    }

    private static void verifyCleanThenFindAndRepairAnotherTenantsRow(MigrationRunner runner) throws Exception {
        VerifyOptions opts = VerifyOptions.defaults().withChunkRows(4_000).withRecheckTimeout(Duration.ofSeconds(30));
        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport clean = verifier.verify(opts);
            assertThat(clean.clean()).as(clean.toText()).isTrue();
            assertThat(clean.tables().get(0).rowsCompared()).isEqualTo(sourceCount("tenant_id IN " + MOVED_SQL));

            long strayId = firstId("tenant_id = 'globex'");
            try (Connection t = stack.targets().get(0).connect(DemoStack.DATABASE); Statement st = t.createStatement()) {
                st.execute("INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note, _ss_lsn) "
                        + "VALUES (" + strayId + ", 'globex', 'stray', 'new', 1.00, now(), 'copied by hand', 0)");
            }
            VerifyReport found = verifier.verify(opts);
            assertThat(found.tables().get(0).mismatches()).as(found.toText())
                    .extracting(CompareReport.Mismatch::kind, CompareReport.Mismatch::key)
                    .containsExactly(tuple(Kind.EXTRA_IN_TARGET, "(" + strayId + ")"));

            VerifyReport repaired = verifier.verify(opts.withRepair(true));
            assertThat(repaired.clean()).as(repaired.toText()).isTrue();
            assertThat(count(stack.targets().get(0), "id = " + strayId)).isZero();
            assertThat(sourceCount("id = " + strayId + " AND tenant_id = 'globex'")).as("the source row stays").isOne();
        }
    }

    private static CompareReport compare(MigrationSpec spec, MigrationRunner runner) throws Exception {
        Map<String, Connection> targets = new LinkedHashMap<>();
        List<Connection> all = new ArrayList<>();
        try (Connection src = source()) {
            targets.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
            targets.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
            all.addAll(targets.values());
            return RowCompare.compare(src, targets, runner.tables().get(0), spec.shardKeyOf(runner.tables().get(0).id()),
                    spec.routing(), spec::moves);
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    private static Connection source() throws Exception {
        return stack.source().connect(DemoStack.DATABASE);
    }

    private static long sourceCount(String where) throws Exception {
        return count(stack.source(), where);
    }

    private static long firstId(String where) throws Exception {
        try (Connection c = source(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(id) FROM public.orders WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(DevPostgres pg, String where) throws Exception {
        try (Connection c = pg.connect(DemoStack.DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
