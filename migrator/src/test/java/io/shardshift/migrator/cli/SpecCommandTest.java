package io.shardshift.migrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SpecCommandTest {
    private static final String GOOD = """
            name: orders
            source: {jdbcUrl: "jdbc:postgresql://src:5432/app?password=hunter22", user: app, password: s3cret-pw}
            tables: [{name: public.orders}]
            kafka: {bootstrapServers: "k:9092"}
            targets:
              - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app, password: s3cret-pw}
            layout: {generation: 2, shardKey: tenant_id, buckets: 16, targets: [pg_a]}
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ShardshiftCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldExplainEveryKeyWithItsDefault() {
        assertThat(run("spec", "--explain")).isZero();

        assertThat(out.toString()).contains("cutover.stableFor", "5s", "layout.shardKey", "targets[].jdbcUrl");
    }

    @Test
    void shouldPrintTheEffectiveConfigurationWithSecretsMasked(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("spec.yaml"), GOOD);

        assertThat(run("spec", "--check", spec.toString())).isZero();

        assertThat(out.toString()).contains("is valid", "cutover.stableFor = 5s", "targets[0].name = pg_a")
                .doesNotContain("s3cret-pw", "hunter22");
    }

    @Test
    void shouldListEveryProblemOfABadSpecAtOnceAndExitTwo(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("spec.yaml"), GOOD
                .replace("name: orders", "name: Orders!")
                .replace("buckets: 16", "buckets: 0"));

        assertThat(run("spec", "--check", spec.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("name", "layout.buckets").doesNotContain("Exception");
    }

    @Test
    void shouldRefuseNeitherOrBothModes() {
        assertThat(run("spec")).isEqualTo(2);
        assertThat(err.toString()).contains("exactly one of --explain or --check");
    }
}
