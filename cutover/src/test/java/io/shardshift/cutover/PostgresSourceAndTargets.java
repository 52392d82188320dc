package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;

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
 * {@code tenant_id} (Kafka is never contacted). For the cutover ITs, which start it in {@code @BeforeAll}:
 * <pre>{@code
 * stack = PostgresSourceAndTargets.start("moves", "public.moves", 2);
 * stack.executeOnTargets(PostgresSourceAndTargets.MOVES_ON_TARGET);
 * }</pre>
 */
public final class PostgresSourceAndTargets implements AutoCloseable {
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

    private final DevPostgres source;
    private final List<DevPostgres> targets;
    private final MigrationSpec spec;

    private PostgresSourceAndTargets(DevPostgres source, List<DevPostgres> targets, MigrationSpec spec) {
        this.source = source;
        this.targets = targets;
        this.spec = spec;
    }

    /**
     * Starts the source and {@code targetCount} targets, creates their {@code app} databases and parses the spec
     * named {@code migration} with the one table {@code table}; what started is closed again if a step fails.
     */
    public static PostgresSourceAndTargets start(String migration, String table, int targetCount) {
        List<DevPostgres> started = new ArrayList<>();
        try {
            DevPostgres source = DevPostgres.start();
            started.add(source);
            for (int i = 0; i < targetCount; i++) {
                started.add(DevPostgres.start());
            }
            for (DevPostgres pg : started) {
                pg.createDatabase("app");
            }
            List<DevPostgres> targets = List.copyOf(started.subList(1, started.size()));
            return new PostgresSourceAndTargets(source, targets, parseSpec(migration, table, source, targets));
        } catch (RuntimeException | Error e) {
            closeInReverse(started);
            throw e;
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

    /** Closes the targets, last first, then the source. */
    @Override
    public void close() {
        List<DevPostgres> all = new ArrayList<>();
        all.add(source);
        all.addAll(targets);
        closeInReverse(all);
    }

    private static void closeInReverse(List<DevPostgres> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }
}
