package io.shardshift.migrator.e2e;

import io.shardshift.audit.AuditEntry;
import io.shardshift.audit.AuditVerifier;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.CutoverService;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.verify.manifest.Manifest;
import io.shardshift.verify.manifest.ManifestJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integrity manifests on the real stack: a cutover (source PostgreSQL, two targets, Kafka) records a manifest of
 * the targets at its fence in the audit trail; {@code shardshift audit manifest} takes it out, and
 * {@code shardshift verify --manifest} re-checks each target (clean), the source kept as the old layout's archive
 * (clean: the same rows hash the same on another server), and a restored copy of a target: clean with other
 * server defaults (time zone, date style) and its rows in another physical order, then, with one row changed, one
 * mismatch naming the row's table, target, key range and tenant.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManifestIT {
    static final int ROWS = 30_000;
    static DemoStack stack;
    static MigrationSpec spec;
    static MigrationRunner runner;
    static CutoverController controller;
    static CutoverResult cutover;
    static Path dir;
    static Path manifestFile;

    @BeforeAll
    static void start() throws Exception {
        stack = DemoStack.start();
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, ROWS);
        }
        dir = Files.createTempDirectory("manifest-it");
        String yaml = stack.specYaml("manifest", 500) + """
                cutover: {maxLagMillis: 5000, stableFor: 500ms, observationWindow: 10m}
                """;
        spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        runner = MigrationRunner.start(spec, dir.resolve("state"));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        controller = CutoverService.attach(runner, dir.resolve("audit.log"));
        cutover = controller.cutover();
        assertThat(cutover.outcome()).as("cutover: %s", cutover).isEqualTo(CutoverResult.Outcome.COMPLETED);
        manifestFile = dir.resolve("manifest.json");
    }

    @AfterAll
    static void stop() {
        closeMigrator();
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldRecordAManifestAtTheFenceThatReChecksCleanAgainstEachTargetAndTheSource() throws Exception {
        Cli taken = cli("audit", "manifest", "--file", dir.resolve("audit.log").toString(), "--out", manifestFile.toString());
        assertThat(taken.exit()).as(taken.err()).isZero();
        Manifest m = ManifestJson.read(Files.readAllBytes(manifestFile));
        assertThat(m.generation()).isEqualTo(cutover.toGeneration());
        assertThat(m.fenceLsn()).isEqualTo(Lsn.format(cutover.fenceLsn()));
        assertThat(m.cutover()).isEqualTo(cutover.id());
        Manifest.TableEntry orders = m.tables().get(0);
        assertThat(orders.table()).isEqualTo("public.orders");
        assertThat(orders.targets()).extracting(Manifest.TargetEntry::target).containsExactly("pg_a", "pg_b");
        for (Manifest.TargetEntry t : orders.targets()) {
            assertThat(t.rows()).as("rows of %s", t.target()).isEqualTo(count(target(t.target()), DemoStack.DATABASE));
        }
        assertThat(orders.targets().stream().mapToLong(Manifest.TargetEntry::rows).sum()).isEqualTo(ROWS);
        assertThat(orders.targets().get(1).chunks()).as("pg_b's rows in several key ranges").hasSizeGreaterThan(1);

        List<AuditEntry> entries = auditEntries();
        assertThat(AuditVerifier.verifyFile(dir.resolve("audit.log")).valid()).isTrue();
        AuditEntry recorded = entries.stream().filter(e -> e.step().equals("manifest")).findFirst().orElseThrow();
        assertThat(recorded.details()).containsEntry("sha256", ManifestJson.sha256(Files.readAllBytes(manifestFile)))
                .containsEntry("file", "manifests/" + cutover.id() + "-g" + cutover.toGeneration() + ".json")
                .containsEntry("fenceLsn", m.fenceLsn());
        assertThat(entries.stream().map(AuditEntry::step).toList()).containsSubsequence("drained", "done", "manifest");

        for (TargetSpec t : spec.targets()) {
            Cli check = verify(t.jdbcUrl(), "--target", t.name());
            assertThat(check.exit()).as("%s: %s%s", t.name(), check.out(), check.err()).isZero();
            assertThat(check.out()).contains("CLEAN: 1 tables").doesNotContain("MISMATCH");
        }
        Cli archive = verify(spec.source().jdbcUrl());
        assertThat(archive.exit()).as("the source as the old layout's archive: %s%s", archive.out(), archive.err()).isZero();
        assertThat(archive.out()).contains("as the whole data set", ", " + ROWS + " rows of the copy compared, 0 mismatches");
    }

    @Test
    @Order(2)
    void shouldFindATamperedRowInARestoredCopyOfATargetAndNameItsKeyRange() throws Exception {
        if (!Files.exists(manifestFile)) {
            shouldRecordAManifestAtTheFenceThatReChecksCleanAgainstEachTargetAndTheSource();
        }
        closeMigrator();
        DevPostgres pgB = stack.targets().get(1);
        restore(pgB, DemoStack.DATABASE, "restored");
        try (Connection c = pgB.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE \"restored\" SET TimeZone = 'America/New_York'");
            st.execute("ALTER DATABASE \"restored\" SET DateStyle = 'SQL, DMY'");
            st.execute("ALTER DATABASE \"restored\" SET extra_float_digits = 0");
        }
        try (Connection c = pgB.connect("restored"); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE public.orders SET note = note WHERE id % 3 = 0");
        }
        Cli untouched = verify(pgB.jdbcUrl("restored"), "--target", "pg_b");
        assertThat(untouched.exit()).as("other server defaults, rows in another physical order: %s%s", untouched.out(),
                untouched.err()).isZero();

        long id;
        String tenant;
        try (Connection c = pgB.connect("restored"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, tenant_id FROM public.orders ORDER BY id OFFSET 12345 LIMIT 1")) {
                assertThat(rs.next()).isTrue();
                id = rs.getLong(1);
                tenant = rs.getString(2);
            }
            assertThat(st.executeUpdate("UPDATE public.orders SET note = 'tampered' WHERE id = " + id)).isEqualTo(1);
        }
        Manifest m = ManifestJson.read(Files.readAllBytes(manifestFile));
        Manifest.Chunk chunk = m.tables().get(0).targets().get(1).chunks().stream()
                .filter(c -> (c.after() == null || Long.parseLong(c.after().get(0)) < id)
                        && (c.upTo() == null || id <= Long.parseLong(c.upTo().get(0))))
                .findFirst().orElseThrow();
        long rowsOfTenant = chunk.tenants().stream().filter(s -> s.tenant().equals(tenant)).findFirst().orElseThrow().rows();

        Cli check = verify(pgB.jdbcUrl("restored"), "--target", "pg_b");

        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(1);
        List<String> mismatches = check.out().lines().filter(l -> l.startsWith("MISMATCH")).toList();
        assertThat(mismatches).singleElement().asString()
                .startsWith("MISMATCH public.orders target pg_b keys " + chunk.range() + " tenant '" + tenant + "': manifest "
                        + rowsOfTenant + " rows hash ")
                .contains(", copy " + rowsOfTenant + " rows hash ");
        assertThat(check.out()).contains("DIFFERS: 1 tables", "1 mismatches");

        Cli json = verify(pgB.jdbcUrl("restored"), "--target", "pg_b", "--json");
        assertThat(json.exit()).isEqualTo(1);
        var report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("clean").asBoolean()).isFalse();
        assertThat(report.at("/mismatches/0/range").asText()).isEqualTo(chunk.range());
        assertThat(report.at("/mismatches/0/expectedHash").asText()).isNotEqualTo(report.at("/mismatches/0/actualHash").asText());
    }

    @Test
    @Order(3)
    void shouldRefuseBadOptionsNamingEachAndAManifestThatIsNotOne() throws Exception {
        Cli none = cli("verify", "--manifest", dir.resolve("nothing.json").toString(), "--table", "public.orders");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--against is required with --manifest", "--table, --tenant and --repair do not go"
                + " with --manifest").doesNotContain("Exception");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\":\"shardshift-manifest\",\"version\":9}");
        Cli wrong = cli("verify", "--manifest", bad.toString(), "--against", spec.source().jdbcUrl());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("version: 9 is not read by this shardshift").doesNotContain("Exception");
    }

    private static Cli verify(String url, String... more) {
        String withPassword = url + (url.contains("?") ? "&" : "?") + "password=" + stack.source().password();
        List<String> args = new java.util.ArrayList<>(List.of("verify", "--manifest", manifestFile.toString(), "--against",
                withPassword, "--user", stack.source().user()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ShardshiftCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** A restored backup of a target: {@code CREATE DATABASE ... TEMPLATE} once nothing holds the target open. */
    private static void restore(DevPostgres pg, String database, String copy) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + copy + "\"");
            await("no session left on " + database).atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                    ps.setString(1, database);
                    ps.executeQuery().close();
                }
                st.execute("CREATE DATABASE \"" + copy + "\" TEMPLATE \"" + database + "\"");
                return true;
            });
        }
    }

    private static DevPostgres target(String name) {
        return stack.targets().get(name.equals("pg_a") ? 0 : 1);
    }

    private static long count(DevPostgres pg, String database) throws Exception {
        try (Connection c = pg.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<AuditEntry> auditEntries() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<AuditEntry> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit.log"))) {
            if (!line.isBlank()) {
                out.add(mapper.readValue(line, AuditEntry.class));
            }
        }
        return out;
    }

    private static synchronized void closeMigrator() {
        if (controller != null) {
            controller.close();
            controller = null;
        }
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }
}
