package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.cutover.internal.ObservationWindow;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.SourceFreeze;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cutover's unique-indexes step on real PostgreSQL (a source and two targets; the config topic and the drain
 * are recorded, not Kafka): a cutover makes the targets' unique indexes unique, so an application write of a
 * duplicate on the live new layout fails at once; when rows on a target share a key the cutover aborts naming them,
 * writes are unfrozen, the source stays live and the indexes are non-unique again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UniqueAtCutoverIT {
    @RegisterExtension
    static final PostgresSourceAndTargets postgres = new PostgresSourceAndTargets("uniq", "public.orders", 2);
    static final TableSchema ORDERS = new TableSchema(TableId.parse("public.orders"),
            List.of(new ColumnDef("id", "bigint", true), new ColumnDef("tenant_id", "text", true),
                    new ColumnDef("code", "text", false)),
            List.of("id"), List.of(new IndexDef("orders_code_key", true, "btree", List.of("code"))), true);

    private Path dir;
    private AuditTrail audit;
    private ObservationWindow observation;
    private final List<String> published = new ArrayList<>();

    @BeforeEach
    void createTables() throws Exception {
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.orders");
            st.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, code text UNIQUE)");
            ReverseReplicator.prepareSource(s);
        }
        postgres.executeOnTargets("DROP TABLE IF EXISTS public.orders",
                "CREATE TABLE public.orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, code text, "
                        + "_ss_lsn bigint NOT NULL DEFAULT 0)",
                "CREATE INDEX orders_code_key ON public.orders USING btree (code)");
        for (String name : postgres.targetNames()) {
            ReverseLog.prepare(postgres.spec().target(name), List.of(ORDERS));
        }
        dir = Files.createTempDirectory("unique-at-cutover");
        audit = AuditTrail.toFile(dir.resolve("audit.jsonl"));
        observation = new ObservationWindow(postgres.spec(), List.of(ORDERS), new ReentrantLock(), new ObservationWindow.Listener() {
            @Override
            public void ended(long generation, java.time.Instant end, Map<String, Long> copied) {
            }

            @Override
            public void refused(long generation, java.time.Instant end, String reason) {
            }
        });
    }

    @AfterEach
    void closeWindow() {
        observation.close();
        audit.close();
    }

    /** A cutover from 1 to 2 whose config topic writes are recorded and whose drain returns at once. */
    private CutoverResult cutover() {
        CutoverOptions options = CutoverOptions.defaults().withFreezeTimeout(Duration.ofSeconds(10))
                .withDrainTimeout(Duration.ofSeconds(10));
        LayoutSwitch layoutSwitch = new LayoutSwitch(List.of(ORDERS.id()), options.observationWindow(),
                () -> new RecordedConfigTopic(new LiveSwitchEffects(postgres.spec(), List.of(ORDERS), (lsn, timeout) -> { }, null,
                        audit, options, observation), published), Retry.ONCE);
        return layoutSwitch.cutover("cutover-1", 1, 2, List.of(), (from, to) -> { });
    }

    private static void insert(DevPostgres pg, String values) throws SQLException {
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (id, tenant_id, code) VALUES " + values);
        }
    }

    @Test
    void shouldEnforceUniqueIndexesOnTheTargetsAtTheCutover() throws Exception {
        insert(postgres.target(0), "(1, 'acme', 'A1'), (2, 'acme', 'A2')");
        insert(postgres.target(1), "(3, 'globex', 'B1')");

        CutoverResult result = cutover();

        assertThat(result.outcome()).as("%s", result).isEqualTo(CutoverResult.Outcome.COMPLETED);
        for (DevPostgres pg : List.of(postgres.target(0), postgres.target(1))) {
            try (Connection app = PostgresSourceAndTargets.application(pg);
                 Statement st = app.createStatement()) {
                assertThatThrownBy(() -> st.executeUpdate("INSERT INTO public.orders (id, tenant_id, code) VALUES (9, 'acme', "
                        + (pg == postgres.target(0) ? "'A1'" : "'B1'") + ")"))
                        .as("a duplicate written by an application on the live new layout")
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            }
        }
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).containsPattern("\"unique\":true}[^\n]*\"step\":\"unique-indexes\"");
    }

    @Test
    void shouldAbortNamingTheDuplicatedKeysAndLeaveTheOldLayoutLiveWhenRowsShareAKey() throws Exception {
        insert(postgres.target(0), "(1, 'acme', 'A1')");
        insert(postgres.target(1), "(3, 'globex', 'DUP'), (4, 'globex', 'DUP')");

        CutoverResult result = cutover();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.UNIQUE_INDEXES);
        assertThat(result.reason()).doesNotContain("\n").contains("target pg_b", "public.orders", "orders_code_key",
                "(code)=(DUP)", "2 rows", "(3), (4)");
        assertThat(published).containsExactly("frozen true", "frozen false").doesNotContain("generation 2");
        try (Connection s = postgres.source().connect("app"); Statement st = s.createStatement()) {
            assertThat(SourceFreeze.rejectsWrites(s, List.of(ORDERS.id()))).isFalse();
            assertThat(st.executeUpdate("INSERT INTO public.orders VALUES (100, 'acme', 'after the abort')")).isEqualTo(1);
        }
        for (DevPostgres pg : List.of(postgres.target(0), postgres.target(1))) {
            assertThat(unique(pg)).as("orders_code_key unique on %s after the abort", pg).isFalse();
        }
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).containsPattern("\"step\":\"unique-indexes\"}[^\n]*\"step\":\"abort\"");
    }

    private static boolean unique(DevPostgres pg) throws SQLException {
        try (Connection c = pg.connect("app"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT indisunique FROM pg_index WHERE indexrelid = 'public.orders_code_key'::regclass")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
