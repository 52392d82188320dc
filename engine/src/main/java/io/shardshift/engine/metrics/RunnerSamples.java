package io.shardshift.engine.metrics;

import io.shardshift.cdc.TableProgress;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.lag.TopicRecords;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.ApplyMetrics.TargetStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Takes a {@link LagSample} of a running {@link MigrationRunner}: its lag monitor (source WAL, capture,
 * consumer lag, applied positions), the slot's retained WAL, the dead-letter topic and the backfill. Targets
 * are the spec's PostgreSQL targets and search targets (Solr collections), plus any other the apply
 * topology reported.
 */
public final class RunnerSamples implements LagSampler.Source, AutoCloseable {
    private final MigrationRunner runner;
    private final MigrationSpec spec;
    private final RecentLatency recent;
    private final Admin admin;

    /** @param recent recent latency percentiles, fed by the runner's apply metrics */
    public RunnerSamples(MigrationRunner runner, RecentLatency recent) {
        this.runner = runner;
        this.recent = recent;
        this.spec = runner.spec();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
    }

    @Override
    public LagSample sample() throws Exception {
        LagSnapshot lag = runner.lag().snapshot();
        SlotRetention.Reading slot = SlotRetention.read(spec);
        long dlq = TopicRecords.count(admin, spec.deadLetterTopic());
        long now = lag.takenAtMillis();

        Set<String> names = new LinkedHashSet<>();
        spec.targets().stream().map(TargetSpec::name).forEach(names::add);
        spec.searchTargets().stream().map(SearchTargetSpec::name).forEach(names::add);
        names.addAll(lag.targets().keySet());
        List<LagSample.TargetLag> targets = new ArrayList<>();
        for (String name : names) {
            TargetStats s = runner.metrics().target(name);
            long applied = Math.max(s.highestFence(), runner.slot().consistentPointLsn());
            if (lag.kafkaLagTotal() == 0) {
                applied = Math.max(applied, lag.capturedLsn());
            }
            targets.add(new LagSample.TargetLag(name, applied, Math.max(0, lag.sourceWalLsn() - applied),
                    lag.lagMillis(name) / 1000.0, s.eventsApplied(), s.deadLetters(), s.latencySamples(),
                    s.p50LatencyMillis(), s.p99LatencyMillis(), recent.p99Millis(name)));
        }
        List<LagSample.PartitionLag> partitions = new ArrayList<>();
        for (Map.Entry<String, Long> e : lag.kafkaLag().entrySet()) {
            String key = e.getKey();
            int dash = key.lastIndexOf('-');
            partitions.add(new LagSample.PartitionLag(key.substring(0, dash), Integer.parseInt(key.substring(dash + 1)),
                    e.getValue()));
        }
        List<LagSample.TableBackfill> backfill = new ArrayList<>();
        Map<io.shardshift.core.event.TableId, Map<String, Integer>> byInstance = runner.backfillChunksByInstance();
        for (TableProgress p : runner.backfillProgress().values()) {
            backfill.add(new LagSample.TableBackfill(p.table().toString(), p.rowsRead(), p.estimatedRows(),
                    p.chunksDone(), p.totalChunks(), p.finished(), byInstance.getOrDefault(p.table(), Map.of())));
        }
        return new LagSample(now, lag.sourceWalLsn(), lag.capturedLsn(), runner.lag().publishedCount(),
                slot.retainedBytes(), slot.walStatus(), dlq, runner.deadLetters(), targets, partitions, backfill);
    }

    @Override
    public void close() {
        admin.close();
    }
}
