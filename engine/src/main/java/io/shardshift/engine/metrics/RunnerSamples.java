package io.shardshift.engine.metrics;

import io.shardshift.cdc.TableProgress;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.cdc.ChangeCapture;
import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.run.CaptureLeases;
import io.shardshift.engine.lag.TopicRecords;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.ApplyMetrics.TargetStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Takes a {@link LagSample} of a running {@link MigrationRunner}: its lag monitor (source WAL, capture,
 * consumer lag, applied positions), the slot's retained WAL, the dead-letter topic and the backfill. Targets
 * are the spec's PostgreSQL targets and search targets (Solr collections), plus any other the apply
 * topology reported.
 */
public final class RunnerSamples implements LagSampler.Source, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunnerSamples.class);

    /** The state of a capture group whose engine does not run in this process. */
    static final String NOT_HERE = "NOT_HERE";

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
        Map<String, SlotRetention.Reading> slots = SlotRetention.readAll(spec);
        SlotRetention.Reading slot = SlotRetention.worst(slots.values());
        long dlq = TopicRecords.count(admin, spec.deadLetterTopic());
        long now = lag.takenAtMillis();

        Set<String> names = new LinkedHashSet<>();
        spec.targets().stream().map(TargetSpec::name).forEach(names::add);
        spec.searchTargets().stream().map(SearchTargetSpec::name).forEach(names::add);
        names.addAll(lag.targets().keySet());
        List<LagSample.TargetLag> targets = new ArrayList<>();
        for (String name : names) {
            TargetStats s = runner.metrics().target(name);
            long applied = Math.max(s.highestFence(), runner.consistentPointLsn());
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
        List<LagSample.CaptureGroupLag> groups = new ArrayList<>();
        Map<Integer, String> holders = holders();
        Map<Integer, String> waiting = runner.captureGroupsWaiting();
        boolean allHere = runner.lag().capture().map(c -> c.holdsAll()).orElse(false);
        Map<String, Long> confirmed = allHere ? Map.of() : SlotRetention.confirmedFlushLsns(spec);
        for (int g = 0; g < spec.captureGroups(); g++) {
            String name = spec.slotName(g);
            SlotRetention.Reading r = slots.getOrDefault(name, new SlotRetention.Reading(0, -1, SlotRetention.MISSING));
            Optional<ChangeCapture> here = runner.lag().capture().flatMap(c -> c.running(name));
            groups.add(new LagSample.CaptureGroupLag(g, name,
                    runner.captureSplit().tables(g).stream().map(Object::toString).toList(),
                    here.map(c -> c.state().name()).orElse(NOT_HERE),
                    here.map(ChangeCapture::lastProcessedLsn).orElse(confirmed.getOrDefault(name, 0L)),
                    here.map(ChangeCapture::publishedCount).orElse(0L),
                    r.retainedBytes(), r.walStatus(), holders.getOrDefault(g, ""), waiting.getOrDefault(g, "")));
        }
        return new LagSample(now, lag.sourceWalLsn(), lag.capturedLsn(), runner.lag().publishedCount(),
                slot.retainedBytes(), slot.walStatus(), dlq, runner.deadLetters(), targets, partitions, backfill, groups);
    }

    /** The lease holder of each capture group; empty (logged) when Kafka does not answer. */
    private Map<Integer, String> holders() {
        try {
            return CaptureLeases.holders(admin, spec);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("cannot read the capture group leases of migration {}: {}", spec.name(), e.getMessage());
            return Map.of();
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
