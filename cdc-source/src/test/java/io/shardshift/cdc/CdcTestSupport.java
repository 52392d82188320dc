package io.shardshift.cdc;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds specs against the devstack servers and runs SQL on them, for the integration tests. */
final class CdcTestSupport {
    private CdcTestSupport() {
    }

    /** A spec migrating the given tables of database {@code db} to one target (the same server, db {@code postgres}). */
    static MigrationSpec spec(String name, DevPostgres pg, String db, String bootstrapServers, List<String> tables) {
        return spec(name, pg.jdbcUrl(db), pg.password(), pg.jdbcUrl("postgres"), bootstrapServers, tables, pg.user());
    }

    static MigrationSpec spec(String name, String sourceUrl, String password, String targetUrl, String bootstrapServers,
                              List<String> tables, String user) {
        String yaml = """
                name: %s
                source: {jdbcUrl: "%s", user: %s, password: "${env:PGPASS}"}
                tables: [%s]
                kafka: {bootstrapServers: "%s", partitions: 3}
                targets: [{name: t1, jdbcUrl: "%s", user: %s, password: "${env:PGPASS}"}]
                layout: {generation: 2, shardKey: tenant_id, buckets: 8, targets: [t1]}
                """.formatted(name, sourceUrl, user,
                tables.stream().map(t -> "{name: " + t + "}").collect(Collectors.joining(", ")),
                bootstrapServers, targetUrl, user);
        return SpecLoader.parse(yaml, Map.of("PGPASS", password));
    }

    static void sql(DevPostgres pg, String db, String... statements) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static long queryLong(DevPostgres pg, String db, String query) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
