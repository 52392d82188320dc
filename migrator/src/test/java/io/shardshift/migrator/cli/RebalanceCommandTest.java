package io.shardshift.migrator.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input to {@code shardshift rebalance} exits 2 with a message naming the argument, before any call. */
class RebalanceCommandTest {
    private final StringWriter err = new StringWriter();
    private final CommandLine cli = ShardshiftCli.commandLine().setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err));

    @Test
    void shouldNameTheMissingOptionOfAStart() {
        assertThat(cli.execute("rebalance", "db", "start", "--tenant", "acme")).isEqualTo(2);
        assertThat(err.toString()).contains("--target-instance");
    }

    @Test
    void shouldNameAnUnknownKind() {
        assertThat(cli.execute("rebalance", "tables", "start", "--tenant", "acme")).isEqualTo(2);
        assertThat(err.toString()).contains("tables");
    }

    @Test
    void shouldNameAMissingId() {
        assertThat(cli.execute("rebalance", "search", "cutover")).isEqualTo(2);
        assertThat(err.toString()).contains("--id");
    }

    @Test
    void shouldNameABadPartitionCount() {
        assertThat(cli.execute("rebalance", "stream", "start", "--topic", "t", "--new-partitions", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("--new-partitions", "many");
    }
}
