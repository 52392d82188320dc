package io.shardshift.migrator.cli.plan;

import io.shardshift.plan.capacity.CapacityCalculator;
import io.shardshift.plan.capacity.CapacityEstimate;
import io.shardshift.plan.capacity.Throughput;
import io.shardshift.plan.capacity.UnitLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code shardshift plan capacity --mbps 25 --rps 12000 --keys 100000}: how many partitions (or shards) a
 * throughput needs, with 20% headroom.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = "How many partitions or shards a throughput needs: ceil(max(MBps/unitMBps, rps/unitRps) * (1 + headroom)).")
public final class CapacityCommand implements Callable<Integer> {
    /** What a unit is. */
    enum Unit { partition, shard }

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--mbps", defaultValue = "0", paramLabel = "MB/s", description = "Megabytes per second to carry.")
    double mbps;

    @Option(names = "--rps", defaultValue = "0", paramLabel = "N", description = "Records per second to carry.")
    double rps;

    @Option(names = "--keys", defaultValue = "0", paramLabel = "N", description = "Distinct keys (0: unknown).")
    long keys;

    @Option(names = "--unit", defaultValue = "partition", paramLabel = "U",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Unit unit;

    @Option(names = "--unit-mbps", paramLabel = "MB/s", description = "MB/s one unit takes (default: 10 per partition, 20 per shard).")
    Double unitMbps;

    @Option(names = "--unit-rps", paramLabel = "N", description = "Records/s one unit takes (default: 5000 per partition, 20000 per shard).")
    Double unitRps;

    @Option(names = "--headroom", defaultValue = "0.2", paramLabel = "F", description = "Headroom fraction (default: ${DEFAULT-VALUE}).")
    double headroom;

    @Override
    public Integer call() {
        UnitLimits defaults = unit == Unit.partition ? UnitLimits.kafkaPartition() : UnitLimits.solrShard();
        UnitLimits limits = new UnitLimits(unit.name(), unitMbps != null ? unitMbps : defaults.mbPerSec(),
                unitRps != null ? unitRps : defaults.recordsPerSec());
        CapacityEstimate e = new CapacityCalculator(headroom).estimate(new Throughput(mbps, rps, keys), limits);
        PrintWriter out = commandSpec.commandLine().getOut();
        out.println(e.units() + " " + unit + (e.units() == 1 ? "" : "s") + " (bound by " + e.binding() + ")");
        e.notes().forEach(n -> out.println("  " + n));
        out.flush();
        return 0;
    }
}
