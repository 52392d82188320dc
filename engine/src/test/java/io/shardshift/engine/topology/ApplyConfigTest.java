package io.shardshift.engine.topology;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The topology's and the Streams runtime's configuration, derived from a migration spec. */
class ApplyConfigTest {
    static final MigrationSpec SPEC = SpecLoader.parse("""
            name: demo
            source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
            tables:
              - {name: public.orders}
              - {name: billing.invoices, shardKey: org_id}
            kafka: {bootstrapServers: "localhost:9092", replicationFactor: 3}
            targets:
              - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}
              - {name: pg_b, jdbcUrl: "jdbc:postgresql://b:5432/app", user: app}
            layout: {shardKey: tenant_id, buckets: 16, targets: [pg_a, pg_b]}
            apply: {batchSize: 250, threads: 3}
            """, Map.of());

    @Test
    void shouldTakeTopicsShardKeysLayoutAndBatchSizeFromTheSpec() {
        ApplyTopologyConfig config = ApplyTopologyConfig.from(SPEC);

        assertThat(config.changeTopics()).containsExactly("shardshift.demo.changes.public.orders",
                "shardshift.demo.changes.billing.invoices");
        assertThat(config.shardKeys()).containsExactly(Map.entry(TableId.parse("public.orders"), "tenant_id"),
                Map.entry(TableId.parse("billing.invoices"), "org_id"));
        assertThat(config.layout()).isEqualTo(SPEC.routing());
        assertThat(config.batchSize()).isEqualTo(250);
        assertThat(config.flushInterval()).isEqualTo(ApplyTopologyConfig.DEFAULT_FLUSH_INTERVAL);
        assertThat(config.withFlushInterval(Duration.ofSeconds(1)).flushInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldRejectBadSettingsNamingTheField() {
        ApplyTopologyConfig ok = ApplyTopologyConfig.from(SPEC);
        assertThatThrownBy(() -> ok.withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> ok.withFlushInterval(Duration.ZERO)).hasMessageContaining("flushInterval");
        assertThatThrownBy(() -> new ApplyTopologyConfig(List.of(), ok.shardKeys(), ok.layout(), 1, Duration.ofMillis(1)))
                .hasMessageContaining("changeTopics");
        assertThatThrownBy(() -> new ApplyTopologyConfig(List.of("t", "t"), ok.shardKeys(), ok.layout(), 1, Duration.ofMillis(1)))
                .hasMessageContaining("duplicates");
        assertThatThrownBy(() -> new ApplyTopologyConfig(List.of("t"), Map.of(), ok.layout(), 1, Duration.ofMillis(1)))
                .hasMessageContaining("shardKeys");
    }

    @Test
    void shouldRouteASearchOnlySpecToItsSearchTargetsWithoutALayout() {
        MigrationSpec searchOnly = SpecLoader.parse("""
                name: reindex
                source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
                tables: [{name: public.orders, shardKey: tenant_id}]
                kafka: {bootstrapServers: "localhost:9092"}
                search:
                  - {name: orders_search, zkHost: "localhost:2181/solr", collection: orders, version: 3, shards: 8,
                     table: public.orders}
                """, Map.of());

        ApplyTopologyConfig config = ApplyTopologyConfig.from(searchOnly);

        assertThat(config.layout()).isNull();
        assertThat(config.shardKeys()).containsExactly(Map.entry(TableId.parse("public.orders"), "tenant_id"));
        assertThat(config.searchTargets()).containsExactly(Map.entry(TableId.parse("public.orders"), List.of("orders_search")));
    }

    @Test
    void shouldRejectNoLayoutWhenATableHasNoSearchTarget() {
        assertThatThrownBy(() -> new ApplyTopologyConfig(List.of("t"), Map.of(TableId.parse("public.orders"), "tenant_id"),
                null, 1, Duration.ofMillis(1))).hasMessageContaining("without a layout").hasMessageContaining("public.orders");
    }

    @Test
    void shouldRunExactlyOnceWithTheSpecsThreadsAndReplication() {
        Properties p = ApplyStreams.config(SPEC, Path.of("/var/lib/shardshift/state"));

        assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "shardshift.demo.apply")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50L)
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 10L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/shardshift/state");
        StreamsConfig valid = new StreamsConfig(p);
        assertThat(valid.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    }

    @Test
    void shouldApplyPostgresAndSearchTargetsInGroupsOfTheirOwn() {
        MigrationSpec mixed = SpecLoader.parse("""
                name: demo
                source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
                tables: [{name: public.orders}, {name: public.notes}]
                kafka: {bootstrapServers: "localhost:9092"}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}
                layout: {shardKey: tenant_id, buckets: 4, targets: [pg_a]}
                search:
                  - {name: orders_search, zkHost: "localhost:2181/solr", collection: orders, version: 1,
                     table: public.orders}
                """, Map.of());

        List<ApplyGroup> groups = ApplyGroup.of(mixed);

        assertThat(groups).extracting(ApplyGroup::applicationId).containsExactly("shardshift.demo.apply",
                "shardshift.demo.apply-search");
        ApplyGroup pg = groups.get(0);
        ApplyGroup search = groups.get(1);
        assertThat(pg.kind()).isEqualTo(ApplyGroup.POSTGRES);
        assertThat(pg.topics()).containsExactly("shardshift.demo.changes.public.orders", "shardshift.demo.changes.public.notes");
        assertThat(pg.config().searchTargets()).isEmpty();
        assertThat(pg.config().layout()).isEqualTo(mixed.routing());
        assertThat(search.kind()).isEqualTo(ApplyGroup.SEARCH);
        assertThat(search.topics()).containsExactly("shardshift.demo.changes.public.orders");
        assertThat(search.config().layout()).isNull();
        assertThat(search.config().searchTargets())
                .containsExactly(Map.entry(TableId.parse("public.orders"), List.of("orders_search")));
        assertThat(ApplyGroup.of(SPEC)).extracting(ApplyGroup::kind).containsExactly(ApplyGroup.POSTGRES);
    }

    @Test
    void shouldLetAThreadWaitOutAnOutageWithoutLeavingItsGroup() {
        Properties p = ApplyStreams.config(SPEC, "shardshift.demo.apply-search", Path.of("/tmp/state"), Duration.ofMinutes(30));

        assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "shardshift.demo.apply-search")
                .containsEntry(StreamsConfig.consumerPrefix("max.poll.interval.ms"), 32 * 60_000);
        assertThat(ApplyStreams.config(SPEC, "x", Path.of("/tmp/state"), Duration.ofSeconds(10)))
                .containsEntry(StreamsConfig.consumerPrefix("max.poll.interval.ms"), 5 * 60_000);
    }

    @Test
    void shouldReportTheTargetsOwnErrorRatherThanTheStreamsWrapper() {
        SinkException gaveUp = new SinkException("gave up waiting for target pg_b after 30m (apply.outageGiveUp is 30m)");
        Throwable wrapped = new org.apache.kafka.streams.errors.StreamsException("Exception caught in process."
                + " taskId=0_1, stacktrace=...", gaveUp);

        assertThat(ApplyStreams.reportable(wrapped)).isSameAs(gaveUp);
        IllegalStateException other = new IllegalStateException("no sink error inside");
        assertThat(ApplyStreams.reportable(other)).isSameAs(other);
    }
}
