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

    @Test
    void shouldPrintALinePerInstanceOfAStatusAnswerWithALostOneInCapitals() {
        String answer = "{\"id\":\"m\",\"instances\":[{\"id\":\"a-1\",\"state\":\"live\",\"roles\":[\"capture\",\"apply\"],"
                + "\"host\":\"h\",\"pid\":1,\"http\":\"http://h:8080\",\"silentMillis\":1200,"
                + "\"holds\":{\"applyPartitions\":[\"m.apply/t-0\",\"m.apply/t-1\"]},\"figures\":{\"eventsApplied\":77}},"
                + "{\"id\":\"b-2\",\"state\":\"lost\",\"roles\":[\"apply\"],\"host\":\"g\",\"pid\":2,\"http\":null,"
                + "\"silentMillis\":31000,\"holds\":{}}]}";

        assertThat(RebalanceCommand.instanceLines(answer)).containsExactly(
                "instance a-1 live, roles capture,apply, host h pid 1, http://h:8080, holds 2 applyPartitions, applied 77 events,"
                        + " last seen 1.2 s ago",
                "instance b-2 LOST, roles apply, host g pid 2, holds nothing, last seen 31.0 s ago");
        assertThat(RebalanceCommand.instanceLines("{\"id\":\"m\"}")).isEmpty();
    }
}
