package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Property: whatever rows over the carried type families are inserted, updated and deleted on the source while a
 * migration streams, once lag is zero the target holds exactly the source's rows (every column as its type's
 * output function prints it), nothing is dead-lettered or paused, and the verifier reports clean. The rows mix
 * NULLs and edge values (NaN, Infinity, infinity and BC dates, 24:00, empty arrays, NULL elements,
 * multi-dimensional arrays, text with tabs, newlines, backslashes, {@code \N} and non-ASCII characters) with
 * generated ones. One migration (backfilled with a row of edge values per column) serves every try; a fixed
 * seed and few tries keep it deterministic and bounded.
 */
@Tag("slow")
class TypeRoundTripPropertyIT {
    private static final String DB = "postgres";
    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final AtomicLong IDS = new AtomicLong(1000);
    private static DevPostgres source;
    private static DevPostgres target;
    private static DevKafka kafka;
    private static MigrationRunner runner;
    private static Path state;

    @BeforeContainer
    static void start() throws Exception {
        state = Files.createTempDirectory("type-round-trip");
        source = DevPostgres.start();
        target = DevPostgres.start();
        kafka = DevKafka.start();
        try (Connection c = source.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'very happy')");
            st.execute("CREATE DOMAIN small_pos AS integer CHECK (VALUE > 0 AND VALUE < 1000)");
            st.execute("CREATE TYPE pair AS (label text, n small_pos, moods mood[])");
            st.execute("CREATE TABLE typed (id bigint PRIMARY KEY, tenant_id text NOT NULL, "
                    + TypedColumns.ALL.stream().map(col -> "\"" + col.name() + "\" " + col.type())
                    .collect(Collectors.joining(", ")) + ")");
            st.execute("ALTER TABLE typed REPLICA IDENTITY FULL");
        }
        for (int i = 0; i < TypedColumns.EDGE_ROWS; i++) {
            write(insertSql(), i + 1L, TypedColumns.edgeRow(i));
        }
        runner = MigrationRunner.start(spec(), state);
        assertThat(runner.awaitBackfill(WAIT)).isTrue();
    }

    @AfterContainer
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {runner, kafka, target, source}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Property(tries = 8, seed = "20261206", shrinking = ShrinkingMode.OFF)
    void shouldCarryEveryGeneratedRowExactly(@ForAll("rows") List<List<String>> inserted,
                                             @ForAll("rows") List<List<String>> updated) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (List<String> row : inserted) {
            long id = IDS.incrementAndGet();
            write(insertSql(), id, row);
            ids.add(id);
        }
        for (int i = 0; i < Math.min(ids.size(), updated.size()); i++) {
            write(updateSql(), ids.get(i), updated.get(i));
        }
        if (ids.size() > 2) {
            try (Connection c = source.connect(DB); Statement st = c.createStatement()) {
                st.execute("DELETE FROM typed WHERE id = " + ids.get(ids.size() - 1));
            }
        }

        Drain.await(runner.lag(), WAIT);
        // Drain has been seen returning a moment before a target committed (TableLifecycleIT too): wait, bounded,
        // for equality; a value carried wrongly never becomes equal and fails here.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(differences(rows(source), rows(target))).isEmpty());
        assertThat(runner.deadLetters()).as("dead letters").isZero();
        assertThat(runner.pausedTables()).as("paused tables").isEmpty();
        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport verified = verifier.verify(VerifyOptions.defaults().withRecheckTimeout(Duration.ofSeconds(30)));
            assertThat(verified.clean()).as(verified.toText()).isTrue();
        }
    }

    @Provide
    Arbitrary<List<List<String>>> rows() {
        List<Arbitrary<String>> columns = TypedColumns.ALL.stream().map(TypedColumns.Column::values).toList();
        Arbitrary<List<String>> row = Combinators.combine(columns).as(ArrayList::new);
        return row.list().ofMinSize(1).ofMaxSize(5);
    }

    private static MigrationSpec spec() {
        return SpecLoader.parse("""
                name: typed
                source: {jdbcUrl: "%s", user: postgres, password: postgres}
                tables: [{name: public.typed}]
                kafka: {bootstrapServers: "%s"}
                targets: [{name: pg_a, jdbcUrl: "%s", user: postgres, password: postgres}]
                layout: {shardKey: tenant_id, buckets: 8, targets: [pg_a]}
                """.formatted(source.jdbcUrl(DB), kafka.bootstrapServers(), target.jdbcUrl(DB)), Map.of());
    }

    private static String insertSql() {
        return "INSERT INTO typed (id, tenant_id, " + TypedColumns.ALL.stream().map(c -> "\"" + c.name() + "\"")
                .collect(Collectors.joining(", ")) + ") VALUES (?, ?, " + TypedColumns.ALL.stream()
                .map(c -> "?::" + c.type()).collect(Collectors.joining(", ")) + ")";
    }

    private static String updateSql() {
        return "UPDATE typed SET tenant_id = ?, " + TypedColumns.ALL.stream()
                .map(c -> "\"" + c.name() + "\" = ?::" + c.type()).collect(Collectors.joining(", ")) + " WHERE id = ?";
    }

    /** Runs an insert ({@code id} first) or an update ({@code id} last) with a row's values as text. */
    private static void write(String sql, long id, List<String> values) throws SQLException {
        boolean insert = sql.startsWith("INSERT");
        try (Connection c = source.connect(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (insert) {
                ps.setLong(i++, id);
            }
            ps.setString(i++, "t" + (id % 3));
            for (String v : values) {
                ps.setString(i++, v);
            }
            if (!insert) {
                ps.setLong(i, id);
            }
            ps.executeUpdate();
        }
    }

    /** Each id whose row differs, with the columns that differ ({@code col=source | col=target}). */
    private static List<String> differences(Map<Long, List<String>> source, Map<Long, List<String>> target) {
        List<String> out = new ArrayList<>();
        for (Long id : new java.util.TreeSet<>(java.util.Set.copyOf(concat(source.keySet(), target.keySet())))) {
            List<String> s = source.get(id);
            List<String> t = target.get(id);
            if (s == null || t == null) {
                out.add("id " + id + (s == null ? " only on the target" : " only on the source"));
                continue;
            }
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).equals(t.get(i))) {
                    out.add("id " + id + ": " + s.get(i) + " | " + t.get(i));
                }
            }
        }
        return out;
    }

    private static List<Long> concat(java.util.Set<Long> a, java.util.Set<Long> b) {
        List<Long> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Every row, id to the columns as their types' output functions print them (as pg_dump would). */
    private static Map<Long, List<String>> rows(DevPostgres pg) throws SQLException {
        Map<Long, List<String>> out = new TreeMap<>();
        try (Connection c = pg.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM typed")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 2; i <= n; i++) {
                    row.add(rs.getMetaData().getColumnName(i) + "=" + rs.getString(i));
                }
                out.put(rs.getLong(1), row);
            }
        }
        return out;
    }
}
