package io.shardshift.migrator.cli.plan;

import io.shardshift.plan.capacity.TopicExpansion;
import io.shardshift.plan.capacity.TopicExpansionAdvisor;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class StreamCommandTest {

    @Test
    void shouldNameEveryMissingOrBadOptionAtOnce() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PlanCommand());
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("stream", "--window-seconds", "0", "--hot-ratio", "0.5");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("--bootstrap HOST:PORT is required")
                .contains("--topic NAME is required")
                .contains("--window-seconds must be at least 1, was 0")
                .contains("--hot-ratio must be at least 1.0, was 0.5")
                .doesNotContain("Exception");
    }

    @Test
    void shouldPrintTheProposalAndMarkTheHotPartition() {
        Map<Integer, Double> rates = new TreeMap<>(Map.of(0, 100.0, 1, 900.0, 2, 100.0));
        TopicExpansion a = TopicExpansionAdvisor.defaults().advise("orders", rates, 0);
        StringWriter out = new StringWriter();

        StreamCommand.print(a, rates, new PrintWriter(out));

        assertThat(out.toString())
                .startsWith("orders: 3 partitions, 1100 records/s (mean 366.67 per partition)")
                .contains("partition   1          900 records/s  HOT 2.45x")
                .contains("proposal: keep 3 partitions")
                .contains("partition 1 is hot");
    }
}
