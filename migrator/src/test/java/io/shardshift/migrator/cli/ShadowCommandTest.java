package io.shardshift.migrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ShadowCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    @TempDir
    Path dir;

    private int run(String... args) {
        CommandLine cli = ShardshiftCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldNameEveryBadInputAtOnceWithoutAStackTrace() {
        int code = run("shadow", "replay", "--solr-log", dir.resolve("missing.log").toString(), "--new", "orders_v3",
                "--spec", dir.resolve("missing.yaml").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--new: 'orders_v3' is a collection name", "--solr-log: cannot read",
                "--spec:").doesNotContain("\tat ");
    }

    @Test
    void shouldReportNothingToReplayInALogWithoutSelects() throws Exception {
        Path log = Files.writeString(dir.resolve("solr.log"), "2026-12-07 INFO (main) o.e.j.s.Server Started\n");

        int code = run("shadow", "replay", "--solr-log", log.toString(), "--new", "http://127.0.0.1:9/solr/orders_v3",
                "--old", "http://127.0.0.1:9/solr/orders_v2");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("shadow replay: 0 reads, 0 agree, 0 mismatch, 0 explained by lag, 0 errors"
                + " (1 lines skipped)");
    }
}
