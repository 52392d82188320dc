package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL source and one or more real PostgreSQL targets (named {@code pg_a}, {@code pg_b}, ...), each
 * with an {@code app} database, and the migration spec that joins them with one table and a generation 2 layout on
 * {@code tenant_id} (Kafka is never contacted). A JUnit extension for the cutover ITs, registered on a static field
 * with {@code RegisterExtension}: started before the class's tests, closed after them.
 * <pre>{@code
 * static final PostgresSourceAndTargets postgres = new PostgresSourceAndTargets("moves", "public.moves", 2);
 * ...
 * postgres.executeOnTargets(PostgresSourceAndTargets.MOVES_ON_TARGET);
 * }</pre>
 */
public final class PostgresSourceAndTargets implements BeforeAllCallback, AfterAllCallback {
    /** The {@code public.moves} table most cutover ITs use: a key, a tenant and a note. */
    public static final TableSchema MOVES = new TableSchema(TableId.parse("public.moves"),
            List.of(new ColumnDef("id", "bigint", true), new ColumnDef("tenant_id", "text", true),
                    new ColumnDef("note", "text", false)),
            List.of("id"), List.of(), true);
    /** {@link #MOVES} on the source. */
    public static final String MOVES_ON_SOURCE =
            "CREATE TABLE public.moves (id bigint PRIMARY KEY, tenant_id text NOT NULL, note text)";
    /** {@link #MOVES} on a target: with the migrator's {@code _ss_lsn} column. */
    public static final String MOVES_ON_TARGET =
            "CREATE TABLE public.moves (id bigint PRIMARY KEY, tenant_id text NOT NULL, note text, "
                    + "_ss_lsn bigint NOT NULL DEFAULT 0)";

    private final String migration;
    private final String table;
    private final int targetCount;
    private DevPostgres source;
    private List<DevPostgres> targets = List.of();
    private MigrationSpec spec;

    /**
     * @param migration   the spec's migration name
     * @param table       the spec's one table
     * @param targetCount how many targets to start
     */
    public PostgresSourceAndTargets(String migration, String table, int targetCount) {
        this.migration = migration;
        this.table = table;
        this.targetCount = targetCount;
    }

    /** Starts the source and the targets, creates their {@code app} databases and parses the spec. */
    @Override
    public void beforeAll(ExtensionContext context) {
        source = DevPostgres.start();
        List<DevPostgres> started = new ArrayList<>();
        targets = started;
        for (int i = 0; i < targetCount; i++) {
            started.add(DevPostgres.start());
        }
        source.createDatabase("app");
        for (DevPostgres pg : started) {
            pg.createDatabase("app");
        }
        targets = List.copyOf(started);
        spec = parseSpec(migration, table, source, targets);
    }

    /** Closes the targets, last first, then the source. */
    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = targets.size() - 1; i >= 0; i--) {
            targets.get(i).close();
        }
        if (source != null) {
            source.close();
        }
    }

    private static MigrationSpec parseSpec(String migration, String table, DevPostgres source,
                                           List<DevPostgres> targets) {
        StringBuilder targetLines = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            DevPostgres target = targets.get(i);
            names.add(targetName(i));
            targetLines.append("  - {name: %s, jdbcUrl: \"%s\", user: %s, password: \"%s\"}\n".formatted(
                    targetName(i), target.jdbcUrl("app"), target.user(), target.password()));
        }
        return SpecLoader.parse("""
                name: %s
                source: {jdbcUrl: "%s", user: %s, password: "%s"}
                tables: [{name: %s}]
                kafka: {bootstrapServers: "localhost:1"}
                targets:
                %slayout: {generation: 2, shardKey: tenant_id, buckets: 4, targets: [%s]}
                """.formatted(migration, source.jdbcUrl("app"), source.user(), source.password(), table,
                targetLines, String.join(", ", names)), Map.of());
    }

    /** The spec name of the target at {@code index}: {@code pg_a}, {@code pg_b}, ... */
    public static String targetName(int index) {
        return "pg_" + (char) ('a' + index);
    }

    public DevPostgres source() {
        return source;
    }

    /** The target at {@code index}, in spec order. */
    public DevPostgres target(int index) {
        return targets.get(index);
    }

    /** The targets' spec names, in spec order. */
    public List<String> targetNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            names.add(targetName(i));
        }
        return names;
    }

    public MigrationSpec spec() {
        return spec;
    }

    /** Runs the statements, in order, in the {@code app} database of every target. */
    public void executeOnTargets(String... statements) throws SQLException {
        for (DevPostgres target : targets) {
            execute(target, statements);
        }
    }

    /** Runs the statements, in order, in the {@code app} database of {@code pg}, in autocommit. */
    public static void execute(DevPostgres pg, String... statements) throws SQLException {
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /**
     * A connection to {@code pg}'s {@code app} database as an application: a plain JDBC session, not the
     * migrator's, so on a target its writes are logged for reverse replication.
     */
    public static Connection application(DevPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("app"), pg.user(), pg.password());
    }

    /** The source's {@code public.moves} rows as id to {@code tenant_id/note}. */
    public Map<Long, String> sourceMoves() throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection s = source.connect("app"); Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, tenant_id, note FROM public.moves")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + "/" + rs.getString(3));
            }
        }
        return rows;
    }
}
