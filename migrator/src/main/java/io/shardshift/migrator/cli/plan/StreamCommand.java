package io.shardshift.migrator.cli.plan;

import io.shardshift.plan.Units;
import io.shardshift.plan.capacity.TopicExpansion;
import io.shardshift.plan.capacity.TopicExpansionAdvisor;
import io.shardshift.plan.capacity.UnitLimits;
import io.shardshift.plan.gather.TopicRateSampler;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code shardshift plan stream --bootstrap HOST:PORT --topic orders}: measures each partition's append rate
 * over a window and proposes a new partition count for the keyed topic as a 2x/3x multiple of today's, flagging
 * a hot partition. Exit code 0 when nothing is needed, 1 when an expansion is proposed or a partition is hot,
 * 2 for bad input or an unreachable cluster.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Proposes a new partition count (a 2x/3x multiple) for a keyed Kafka topic from its measured"
                + " per-partition rates, and flags a hot partition.")
public final class StreamCommand implements Callable<Integer> {
    @Spec
    CommandSpec commandSpec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", description = "The keyed topic to size.")
    String topic;

    @Option(names = "--window-seconds", defaultValue = "10", paramLabel = "N",
            description = "How long to watch the end offsets (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(names = "--unit-rps", defaultValue = "5000", paramLabel = "N",
            description = "Records/s one partition takes (default: ${DEFAULT-VALUE}, the capacity calculator's).")
    double unitRps;

    @Option(names = "--headroom", defaultValue = "0.2", paramLabel = "F", description = "Headroom fraction (default: ${DEFAULT-VALUE}).")
    double headroom;

    @Option(names = "--hot-ratio", defaultValue = "2.0", paramLabel = "X",
            description = "A partition above X times the mean rate is hot (default: ${DEFAULT-VALUE}).")
    double hotRatio;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = commandSpec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        if (bootstrap == null || bootstrap.isBlank()) {
            problems.add("--bootstrap HOST:PORT is required");
        }
        if (topic == null || topic.isBlank()) {
            problems.add("--topic NAME is required");
        }
        if (windowSeconds < 1) {
            problems.add("--window-seconds must be at least 1, was " + windowSeconds);
        }
        if (!(unitRps > 0)) {
            problems.add("--unit-rps must be positive, was " + unitRps);
        }
        if (!(headroom >= 0)) {
            problems.add("--headroom must not be negative, was " + headroom);
        }
        if (!(hotRatio >= 1)) {
            problems.add("--hot-ratio must be at least 1.0, was " + hotRatio);
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("shardshift plan stream: " + p));
            err.flush();
            return 2;
        }
        TopicExpansionAdvisor advisor = new TopicExpansionAdvisor(headroom,
                new UnitLimits("partition", UnitLimits.kafkaPartition().mbPerSec(), unitRps), hotRatio);
        Map<Integer, Double> rates;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            rates = new TopicRateSampler(admin, Duration.ofSeconds(30)).sample(topic, Duration.ofSeconds(windowSeconds));
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("shardshift plan stream: " + e.getMessage());
            err.flush();
            return 2;
        }
        TopicExpansion advice = advisor.advise(topic, rates, 0);
        print(advice, rates, commandSpec.commandLine().getOut());
        return advice.needsAttention() ? 1 : 0;
    }

    static void print(TopicExpansion a, Map<Integer, Double> rates, PrintWriter out) {
        out.println(a.topic() + ": " + a.partitions() + " partitions, " + Units.number(a.recordsPerSec())
                + " records/s (mean " + Units.number(a.meanPerPartition()) + " per partition)");
        rates.forEach((p, r) -> out.println(String.format(java.util.Locale.ROOT, "  partition %3d %12s records/s%s",
                p, Units.number(r), a.hot() && p == a.hottestPartition() ? "  HOT " + Units.ratio(a.hotRatio()) : "")));
        out.println(a.multiple() == 1 ? "proposal: keep " + a.partitions() + " partitions"
                : "proposal: " + a.proposedPartitions() + " partitions (" + a.multiple() + "x)");
        a.notes().forEach(n -> out.println("  " + n));
        out.flush();
    }
}
