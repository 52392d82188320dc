package io.shardshift.plan.report;

import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.plan.TenantLoad;
import io.shardshift.plan.gather.KafkaLoad;
import io.shardshift.plan.gather.PartitionLoad;
import io.shardshift.plan.gather.PostgresLoad;
import io.shardshift.plan.gather.SolrCoreLoad;
import io.shardshift.plan.gather.SolrLoad;
import io.shardshift.plan.gather.TableLoad;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SkewAnalyzerTest {
    private static final TableId ORDERS = TableId.parse("public.orders");
    private final SkewAnalyzer analyzer = new SkewAnalyzer(Thresholds.defaults());
    private final Layout layout = Layout.evenRanges(1, "tenant_id", 16, List.of("pg_a", "pg_b", "pg_c", "pg_d"), Map.of());

    @Test
    void shouldFlagATenantTakingMostWritesAndItsShard() {
        List<TenantLoad> tenants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tenants.add(new TenantLoad("t" + i, 100, 10_000, 1.0));
        }
        tenants.add(new TenantLoad("acme", 500, 50_000, 100.0));

        SkewReport report = analyzer.analyze(layout, pg(tenants, 1000, 10), null, null);

        assertThat(report.findings(Signal.WRITE_SHARE)).extracting(Finding::subject)
                .contains("tenant 'acme'", "pg target " + layout.targetFor("acme"));
        assertThat(report.findings(Signal.SHARD_RATE_SKEW)).singleElement()
                .satisfies(f -> assertThat(f.subject()).isEqualTo("pg target " + layout.targetFor("acme")));
        assertThat(report.dimension(SkewReport.PG_WRITES).ratio()).isGreaterThan(2.0);
        assertThat(report.findings(Signal.TABLE_BLOAT)).isEmpty();
    }

    @Test
    void shouldFlagNothingOnAnEvenLoad() {
        List<TenantLoad> tenants = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            tenants.add(new TenantLoad("t" + i, 100, 10_000, 1.0));
        }

        SkewReport report = analyzer.analyze(layout, pg(tenants, 40_000, 100), null, null);

        assertThat(report.findings()).isEmpty();
        assertThat(report.dimension(SkewReport.PG_ROWS).ratio()).isLessThan(1.5);
    }

    @Test
    void shouldFlagATableWithMoreThanAQuarterDeadRows() {
        List<TenantLoad> tenants = List.of(new TenantLoad("a", 10, 100, 0), new TenantLoad("b", 10, 100, 0));

        SkewReport report = analyzer.analyze(layout, pg(tenants, 600, 400), null, null);

        assertThat(report.findings(Signal.TABLE_BLOAT)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("table public.orders");
            assertThat(f.value()).isCloseTo(0.40, within(1e-9));
            assertThat(f.message()).contains("40% dead rows");
        });
    }

    @Test
    void shouldFlagTheTopPartitionsLagAndAPartitionTakingMostRecords() {
        List<PartitionLoad> partitions = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            partitions.add(new PartitionLoad("changes", p, 10_000, p == 3 ? 900 : 10, p == 3 ? 50_000 : 100 + p));
        }

        SkewReport report = analyzer.analyze(layout, pg(List.of(), 0, 0),
                new KafkaLoad("demo.apply", partitions, List.of(), true), null);

        assertThat(report.findings(Signal.PARTITION_LAG)).singleElement()
                .satisfies(f -> assertThat(f.subject()).isEqualTo("partition changes-3"));
        assertThat(report.findings(Signal.WRITE_SHARE)).extracting(Finding::subject).containsExactly("partition changes-3");
    }

    @Test
    void shouldNotFlagASmallLagUnderTheNoiseFloor() {
        List<PartitionLoad> partitions = List.of(new PartitionLoad("changes", 0, 10, 1, 5),
                new PartitionLoad("changes", 1, 10, 1, 900));

        SkewReport report = analyzer.analyze(layout, pg(List.of(), 0, 0),
                new KafkaLoad("demo.apply", partitions, List.of("missing.topic"), true), null);

        assertThat(report.findings(Signal.PARTITION_LAG)).isEmpty();
        assertThat(report.notes()).anyMatch(n -> n.contains("missing.topic"));
    }

    @Test
    void shouldFlagSolrQuerySkewAndAColdFilterCache() {
        List<SolrCoreLoad> cores = List.of(
                new SolrCoreLoad("shard1", "replica_n1", "n1", 1_000, 50.0, 0.9, 1_000),
                new SolrCoreLoad("shard2", "replica_n2", "n2", 1_000, 2.0, 0.12, 400),
                new SolrCoreLoad("shard3", "replica_n3", "n1", 1_000, 2.0, 0.0, 0));

        SkewReport report = analyzer.analyze(layout, pg(List.of(), 0, 0), null, new SolrLoad("docs", cores));

        assertThat(report.findings(Signal.SHARD_RATE_SKEW)).singleElement()
                .satisfies(f -> assertThat(f.subject()).isEqualTo("solr shard shard1"));
        assertThat(report.findings(Signal.FILTER_CACHE_HIT_RATIO)).singleElement()
                .satisfies(f -> assertThat(f.subject()).isEqualTo("solr core shard2/replica_n2"));
        assertThat(report.dimension(SkewReport.SOLR_DOCS).ratio()).isEqualTo(1.0);
    }

    @Test
    void shouldInterpolateThePercentileBetweenRanks() {
        assertThat(SkewAnalyzer.percentile(new double[] {0, 10, 20, 30, 40}, 0.95)).isCloseTo(38.0, within(1e-9));
        assertThat(SkewAnalyzer.percentile(new double[] {7}, 0.95)).isEqualTo(7.0);
    }

    private static PostgresLoad pg(List<TenantLoad> tenants, long live, long dead) {
        return new PostgresLoad(List.of(new TableLoad(ORDERS, "tenant_id", tenants, live, dead, 0, 1.0)),
                Duration.ofSeconds(5));
    }
}
