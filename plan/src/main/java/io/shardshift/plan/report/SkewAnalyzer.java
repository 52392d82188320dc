package io.shardshift.plan.report;

import io.shardshift.core.layout.Layout;
import io.shardshift.plan.Skew;
import io.shardshift.plan.TenantLoad;
import io.shardshift.plan.gather.KafkaLoad;
import io.shardshift.plan.gather.PartitionLoad;
import io.shardshift.plan.gather.PostgresLoad;
import io.shardshift.plan.gather.SolrCoreLoad;
import io.shardshift.plan.gather.SolrLoad;
import io.shardshift.plan.gather.TableLoad;
import io.shardshift.plan.Units;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link SkewReport} from measured load: routes the PostgreSQL tenants through the current layout,
 * computes each dimension's skew, and checks the {@link Thresholds}. Pure.
 */
public final class SkewAnalyzer {
    private final Thresholds thresholds;

    public SkewAnalyzer(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * @param layout the current layout (its bucket targets are the shards of the {@code pg.*} dimensions)
     * @param pg     the source's load
     * @param kafka  the change topics' load, or null when not measured
     * @param solr   the Solr collection's load, or null when not measured
     */
    public SkewReport analyze(Layout layout, PostgresLoad pg, KafkaLoad kafka, SolrLoad solr) {
        List<Skew> dims = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        analyzePostgres(layout, pg, dims, findings);
        if (kafka != null) {
            analyzeKafka(kafka, dims, findings, notes);
        }
        if (solr != null) {
            analyzeSolr(solr, dims, findings);
        }
        return new SkewReport(dims, findings, thresholds, notes);
    }

    private void analyzePostgres(Layout layout, PostgresLoad pg, List<Skew> dims, List<Finding> findings) {
        Map<String, Double> rows = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Double> writes = new LinkedHashMap<>();
        for (String t : new LinkedHashSet<>(layout.bucketTargets())) {
            rows.put(t, 0.0);
            bytes.put(t, 0.0);
            writes.put(t, 0.0);
        }
        List<TenantLoad> tenants = pg.tenantLoads();
        double totalWrites = 0;
        for (TenantLoad l : tenants) {
            totalWrites += l.writesPerSec();
            if (layout.hotTenants().containsKey(l.tenant())) {
                continue;
            }
            String target = layout.targetFor(l.tenant());
            rows.merge(target, (double) l.rows(), Double::sum);
            bytes.merge(target, (double) l.bytes(), Double::sum);
            writes.merge(target, l.writesPerSec(), Double::sum);
        }
        Skew writeSkew = Skew.of(SkewReport.PG_WRITES, writes);
        dims.add(Skew.of(SkewReport.PG_ROWS, rows));
        dims.add(Skew.of(SkewReport.PG_BYTES, bytes));
        dims.add(writeSkew);
        rateSkew(writeSkew, "pg target", findings);
        shareOf(writes, "pg target", "writes", findings);
        if (tenants.size() > 1 && totalWrites > 0) {
            for (TenantLoad l : tenants) {
                double share = l.writesPerSec() / totalWrites;
                if (share > thresholds.maxWriteShare()) {
                    findings.add(new Finding(Signal.WRITE_SHARE, "tenant '" + l.tenant() + "'", share,
                            thresholds.maxWriteShare(), "tenant '" + l.tenant() + "' takes " + Units.percent(share)
                            + " of the writes (limit " + Units.percent(thresholds.maxWriteShare()) + ")"));
                }
            }
        }
        for (TableLoad t : pg.tables()) {
            if (t.bloat() > thresholds.maxBloat()) {
                findings.add(new Finding(Signal.TABLE_BLOAT, "table " + t.table(), t.bloat(), thresholds.maxBloat(),
                        "table " + t.table() + " is " + Units.percent(t.bloat()) + " dead rows (" + t.deadTuples()
                        + " of " + (t.liveTuples() + t.deadTuples()) + "; limit " + Units.percent(thresholds.maxBloat())
                        + "): vacuum it before moving it"));
            }
        }
    }

    private void analyzeKafka(KafkaLoad kafka, List<Skew> dims, List<Finding> findings, List<String> notes) {
        kafka.missingTopics().forEach(t -> notes.add("kafka: topic " + t + " does not exist yet"));
        if (kafka.partitions().isEmpty()) {
            return;
        }
        if (!kafka.groupCommitted()) {
            notes.add("kafka: group " + kafka.groupId() + " has committed nothing; lag counts every record");
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        Map<String, Double> lags = new LinkedHashMap<>();
        Map<String, Map<String, Double>> ratesPerTopic = new LinkedHashMap<>();
        for (PartitionLoad p : kafka.partitions()) {
            rates.put(p.name(), p.recordsPerSec());
            lags.put(p.name(), (double) p.lag());
            ratesPerTopic.computeIfAbsent(p.topic(), k -> new LinkedHashMap<>()).put(p.name(), p.recordsPerSec());
        }
        dims.add(Skew.of(SkewReport.KAFKA_RATE, rates));
        dims.add(Skew.of(SkewReport.KAFKA_LAG, lags));
        ratesPerTopic.values().forEach(r -> shareOf(r, "partition", "records", findings));
        double[] sorted = lags.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double top = sorted[sorted.length - 1];
        double p = percentile(sorted, thresholds.lagPercentile());
        if (sorted.length > 1 && top > p && top >= thresholds.minLag()) {
            String name = Skew.of(SkewReport.KAFKA_LAG, lags).maxShard();
            findings.add(new Finding(Signal.PARTITION_LAG, "partition " + name, top, p, "partition " + name + " lags "
                    + (long) top + " records, above the p" + Math.round(thresholds.lagPercentile() * 100)
                    + " of all partitions (" + Units.number(p) + "): one key range is hot or its task is slow"));
        }
    }

    private void analyzeSolr(SolrLoad solr, List<Skew> dims, List<Finding> findings) {
        dims.add(Skew.of(SkewReport.SOLR_DOCS, solr.docsPerShard()));
        Skew qps = Skew.of(SkewReport.SOLR_QPS, solr.queriesPerShard());
        dims.add(qps);
        rateSkew(qps, "solr shard", findings);
        for (SolrCoreLoad c : solr.cores()) {
            if (c.filterCacheLookups() > 0 && c.filterCacheHitRatio() < thresholds.minFilterCacheHitRatio()) {
                String core = c.shard() + "/" + c.replica();
                findings.add(new Finding(Signal.FILTER_CACHE_HIT_RATIO, "solr core " + core, c.filterCacheHitRatio(),
                        thresholds.minFilterCacheHitRatio(), "solr core " + core + ": filter cache hit ratio "
                        + Units.percent(c.filterCacheHitRatio()) + " (limit " + Units.percent(thresholds.minFilterCacheHitRatio())
                        + " over " + c.filterCacheLookups() + " lookups): its filters vary too much or the cache is too small"));
            }
        }
    }

    private void rateSkew(Skew skew, String kind, List<Finding> findings) {
        if (skew.values().size() > 1 && skew.max() > 0 && skew.ratio() > thresholds.rateSkew()) {
            String shard = skew.maxShard();
            findings.add(new Finding(Signal.SHARD_RATE_SKEW, kind + " " + shard, skew.ratio(), thresholds.rateSkew(),
                    skew.dimension() + ": " + kind + " " + shard + " takes " + Units.ratio(skew.ratio())
                    + " the mean (limit " + Units.ratio(thresholds.rateSkew()) + ")"));
        }
    }

    private void shareOf(Map<String, Double> values, String kind, String what, List<Finding> findings) {
        double sum = values.values().stream().mapToDouble(Double::doubleValue).sum();
        if (values.size() < 2 || sum <= 0) {
            return;
        }
        values.forEach((name, v) -> {
            double share = v / sum;
            if (share > thresholds.maxWriteShare()) {
                findings.add(new Finding(Signal.WRITE_SHARE, kind + " " + name, share, thresholds.maxWriteShare(),
                        kind + " " + name + " takes " + Units.percent(share) + " of the " + what + " (limit "
                        + Units.percent(thresholds.maxWriteShare()) + ")"));
            }
        });
    }

    /** The {@code q} percentile of sorted values, interpolated linearly between ranks. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
