package io.shardshift.migrator.cli.plan;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CapacityCommandTest {

    @Test
    void shouldPrintThePartitionsAThroughputNeeds() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new PlanCommand());
        cli.setOut(new PrintWriter(out));

        int code = cli.execute("capacity", "--mbps", "25", "--rps", "12000", "--keys", "100000");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("3 partitions (bound by bytes)");
    }

    @Test
    void shouldRefuseAPlanWithoutASpec() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PlanCommand());
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("--spec FILE is required");
    }
}
