package io.shardshift.verify;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Verify on a real migration (PostgreSQL source, two PostgreSQL targets, Kafka) while a write load keeps
 * inserting, updating, moving and deleting rows: a clean migration verifies clean every time; divergences
 * injected by hand into the targets are each reported with their key and kind, and repair fixes them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifierIT {
    static final VerifyOptions OPTS = VerifyOptions.defaults().withChunkRows(4_000).withRecheckTimeout(Duration.ofSeconds(30));
    static final String T0 = "timestamptz '2026-02-01 00:00:00+00'";
    static DemoFixture fixture;
    static DemoStack stack;
    static MigrationSpec spec;
    static WriteLoad load;
    static MigrationRunner runner;
    @TempDir
    static Path state;

    @BeforeAll
    static void startMigration() throws Exception {
        fixture = DemoFixture.start(false, 30_000);
        stack = fixture.stack();
        spec = stack.spec("verify_it", 500);
        load = fixture.startLoad(2, 150);
        runner = fixture.closing(MigrationRunner.start(spec, state));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(1))).as("backfill finished").isTrue();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void shouldReportNoMismatchOnACleanMigrationWhileWritesContinue() throws Exception {
        try (Verifier verifier = Verifier.inProcess(runner)) {
            for (int run = 0; run < 3; run++) {
                long writesBefore = load.total();
                VerifyReport report = verifier.verify(OPTS);
                assertThat(report.tables()).singleElement().satisfies(t -> {
                    assertThat(t.mismatches()).as(report.toText()).isEmpty();
                    assertThat(t.unsettled()).as(report.toText()).isEmpty();
                    assertThat(t.rowsCompared()).isGreaterThan(25_000);
                    assertThat(t.chunks()).isGreaterThan(5);
                });
                assertThat(report.clean()).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.total() > writesBefore + 50);
            }
            VerifyReport acme = verifier.verify(OPTS.withTenant(DemoSource.HOT_TENANT));
            assertThat(acme.clean()).as(acme.toText()).isTrue();
            assertThat(acme.tables().get(0).rowsCompared()).isBetween(10_000L, 20_000L);
        }
    }

    @Test
    @Order(2)
    void shouldReportEachInjectedDivergenceWithItsKeyAndRepairIt() throws Exception {
        try (Connection c = source(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note) VALUES "
                    + "(-1, 'globex', 'c1', 'new', 1.00, " + T0 + ", 'n1'), (-2, 'initech', 'c2', 'new', 2.00, " + T0 + ", 'n2'), "
                    + "(-4, 'acme', 'c4', 'new', 4.00, " + T0 + ", 'n4')");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> inTarget(-1, "globex") && inTarget(-2, "initech") && inTarget(-4, "acme"));

        update(target("globex"), "UPDATE public.orders SET note = 'tampered' WHERE id = -1");
        update(target("initech"), "DELETE FROM public.orders WHERE id = -2");
        update(target("umbrella"), "INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note, _ss_lsn) "
                + "VALUES (-100, 'umbrella', 'x', 'new', 9.00, " + T0 + ", 'not in the source', 0)");
        DevPostgres acmeTarget = target("acme");
        DevPostgres other = acmeTarget == stack.targets().get(0) ? stack.targets().get(1) : stack.targets().get(0);
        update(other, "INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note, _ss_lsn) "
                + "VALUES (-4, 'acme', 'c4', 'new', 4.00, " + T0 + ", 'n4', 0)");
        update(acmeTarget, "DELETE FROM public.orders WHERE id = -4");

        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport found = verifier.verify(OPTS);
            assertThat(found.tables().get(0).mismatches()).as(found.toText())
                    .extracting(CompareReport.Mismatch::kind, CompareReport.Mismatch::key)
                    .containsExactlyInAnyOrder(tuple(Kind.DIFFERENT_VALUES, "(-1)"), tuple(Kind.MISSING_IN_TARGET, "(-2)"),
                            tuple(Kind.EXTRA_IN_TARGET, "(-100)"), tuple(Kind.WRONG_TARGET, "(-4)"));
            assertThat(found.toText()).contains("tampered");
            assertThat(found.clean()).isFalse();

            VerifyReport repaired = verifier.verify(OPTS.withRepair(true));
            assertThat(repaired.tables().get(0).repaired()).isEqualTo(4);
            assertThat(repaired.clean()).as(repaired.toText()).isTrue();

            VerifyReport after = verifier.verify(OPTS);
            assertThat(after.clean()).as(after.toText()).isTrue();
        }
        assertThat(noteOf(target("globex"), -1)).isEqualTo("n1");
        assertThat(noteOf(target("initech"), -2)).isEqualTo("n2");
        assertThat(noteOf(target("umbrella"), -100)).isNull();
        assertThat(noteOf(other, -4)).isNull();
        assertThat(noteOf(acmeTarget, -4)).isEqualTo("n4");
    }

    @Test
    @Order(3)
    void shouldExitZeroFromTheCommandLineWhenCleanAndTwoForAnUnknownTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, stack.specYaml("verify_it", 500)
                .replace("${env:SHARDSHIFT_DEMO_PASSWORD}", stack.source().password()));
        CommandLine cli = ShardshiftCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));

        assertThat(cli.execute("verify", "--spec", file.toString(), "--json", "--chunk-rows", "8000")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("\"clean\" : true", "\"table\" : \"public.orders\"");
        assertThat(cli.execute("verify", "--spec", file.toString(), "--table", "public.nope")).isEqualTo(2);
    }

    private static Connection source() throws Exception {
        return fixture.source();
    }

    private static DevPostgres target(String tenant) {
        return spec.routing().targetFor(tenant).equals("pg_a") ? stack.targets().get(0) : stack.targets().get(1);
    }

    private static boolean inTarget(long id, String tenant) throws Exception {
        return noteOf(target(tenant), id) != null;
    }

    private static String noteOf(DevPostgres pg, long id) throws Exception {
        try (Connection c = pg.connect(DemoStack.DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT note FROM public.orders WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void update(DevPostgres pg, String sql) throws Exception {
        try (Connection c = pg.connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
