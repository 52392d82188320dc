package io.shardshift.migrator.e2e;

import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.migrator.cli.ShardshiftCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input to {@code shardshift migrate} fails before anything starts, with exit status 2
 * and a message naming the field or table.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MigrateBadInputIT {
    static DevPostgres source;
    static DevPostgres noLogical;
    static DevPostgres target;
    static DevKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        source = DevPostgres.start();
        noLogical = DevPostgres.startWithoutLogicalWal();
        target = DevPostgres.start();
        kafka = DevKafka.start();
        for (DevPostgres pg : new DevPostgres[] {source, noLogical}) {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, total numeric)");
                st.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
                st.execute("CREATE TABLE nokey (id bigint, tenant_id text)");
                st.execute("CREATE TABLE notenant (id bigint PRIMARY KEY, owner text)");
                st.execute("ALTER TABLE notenant REPLICA IDENTITY FULL");
                st.execute("CREATE TABLE bench_accounts (aid bigint PRIMARY KEY, tenant_id text, abalance int)");
                st.execute("CREATE TABLE bench_history (tenant_id text, aid bigint, delta int)");
                st.execute("ALTER TABLE bench_history REPLICA IDENTITY FULL");
            }
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {kafka, target, noLogical, source}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private String spec(String sourceUrl, String table, String extra) {
        return """
                name: bad
                source: {jdbcUrl: "%s", user: postgres, password: postgres}
                tables: [{name: %s}]
                kafka: {bootstrapServers: "%s"}
                targets: [{name: pg_a, jdbcUrl: "%s", user: postgres, password: postgres}]
                layout: {shardKey: tenant_id, buckets: 8, targets: [pg_a]}
                %s
                """.formatted(sourceUrl, table, kafka.bootstrapServers(), target.jdbcUrl("postgres"), extra);
    }

    private String[] run(String yaml) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, yaml);
        StringWriter err = new StringWriter();
        CommandLine cli = ShardshiftCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("migrate", "--spec", file.toString());
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void shouldNameTheTableWithoutPrimaryKey() throws Exception {
        String[] r = run(spec(source.jdbcUrl("postgres"), "public.nokey", ""));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("public.nokey").containsIgnoringCase("primary key");
    }

    @Test
    void shouldListEveryProblemOfEveryTableAtOnceWithItsFixAndNoStackTrace() throws Exception {
        String[] r = run(spec(source.jdbcUrl("postgres"), "public.bench_accounts}, {name: public.bench_history", ""));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("2 problems")
                .contains("tables[0].name: table public.bench_accounts does not have REPLICA IDENTITY FULL")
                .contains("ALTER TABLE \"public\".\"bench_accounts\" REPLICA IDENTITY FULL;")
                .contains("tables[1].name: table public.bench_history has no primary key")
                .contains("ALTER TABLE \"public\".\"bench_history\" ADD PRIMARY KEY (")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldNameTheMissingShardKeyColumn() throws Exception {
        String[] r = run(spec(source.jdbcUrl("postgres"), "public.notenant", ""));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("public.notenant").contains("tenant_id");
    }

    @Test
    void shouldNameTheUnknownField() throws Exception {
        String[] r = run(spec(source.jdbcUrl("postgres"), "public.orders", "colour: blue"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("colour").contains("unknown field");
    }

    @Test
    void shouldReportMalformedYamlWithItsLine() throws Exception {
        String[] r = run("name: bad\nsource: {jdbcUrl: [\n");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("malformed YAML").contains("line");
    }

    @Test
    void shouldNameTheUnreachableDatabaseWithoutShowingThePassword() throws Exception {
        String[] r = run(spec("jdbc:postgresql://127.0.0.1:1/nowhere", "public.orders", "")
                .replace("password: postgres}", "password: hunter2}"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("source.jdbcUrl").doesNotContain("hunter2");
    }

    @Test
    void shouldRefuseASourceWithoutLogicalWal() throws Exception {
        String[] r = run(spec(noLogical.jdbcUrl("postgres"), "public.orders", ""));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("wal_level");
    }
}
