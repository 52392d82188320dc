package io.shardshift.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.migrator.cli.plan.PlanCommand;
import io.shardshift.plan.gather.KafkaLoad;
import io.shardshift.plan.gather.PartitionLoad;
import io.shardshift.plan.gather.TableLoad;
import io.shardshift.plan.report.Finding;
import io.shardshift.plan.report.Signal;
import io.shardshift.plan.report.SkewReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shardshift plan} against a real PostgreSQL and Kafka while one tenant, {@code acme}, takes most of
 * the writes: the report flags it by the thresholds and the proposal gives it its own target.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlanIT {
    private static final int OTHER_TENANTS = 40;
    private static final int ROWS_PER_TENANT = 100;
    private static final String TOPIC = "shardshift.plan_it.changes.public.orders";
    private static final String GROUP = "shardshift.plan_it.apply";

    private static DevPostgres pg;
    private static DevKafka kafka;

    static {
        for (String logger : List.of("org.apache.kafka", "kafka", "io.zonky")) {
            if (System.getProperty("org.slf4j.simpleLogger.log." + logger) == null) {
                System.setProperty("org.slf4j.simpleLogger.log." + logger, "warn");
            }
        }
    }
    private ScheduledExecutorService writer;
    private KafkaProducer<String, String> producer;
    private final AtomicLong acmeWrites = new AtomicLong();
    private final AtomicLong otherWrites = new AtomicLong();

    @BeforeAll
    static void startStack() throws SQLException {
        pg = DevPostgres.start();
        kafka = DevKafka.start();
        pg.createDatabase("source");
        try (Connection c = pg.connect("source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.orders (id bigserial PRIMARY KEY, tenant_id text NOT NULL,"
                    + " amount int NOT NULL, note text)");
            s.execute("INSERT INTO public.orders (tenant_id, amount, note) SELECT 't' || (g % " + OTHER_TENANTS
                    + "), g, repeat('x', 100) FROM generate_series(0, " + (OTHER_TENANTS * ROWS_PER_TENANT - 1) + ") g");
            s.execute("INSERT INTO public.orders (tenant_id, amount, note) SELECT 'acme', g, repeat('x', 100)"
                    + " FROM generate_series(1, " + ROWS_PER_TENANT + ") g");
            s.execute("ANALYZE public.orders");
        }
        kafka.createTopic(TOPIC, 4);
    }

    @AfterAll
    static void stopStack() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** Every 10 ms: acme inserts 4 rows and updates one; one other tenant updates one of its rows. */
    @BeforeEach
    void startWriting() throws SQLException {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
        Connection c = pg.connect("source");
        Random random = new Random(7);
        writer = Executors.newSingleThreadScheduledExecutor();
        writer.scheduleAtFixedRate(() -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO public.orders (tenant_id, amount, note) VALUES ('acme', 1, 'new')");
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE public.orders SET amount = amount + 1 WHERE id = ?")) {
                for (int i = 0; i < 4; i++) {
                    insert.addBatch();
                }
                insert.executeBatch();
                update.setLong(1, OTHER_TENANTS * ROWS_PER_TENANT + 1 + random.nextInt(ROWS_PER_TENANT));
                update.executeUpdate();
                update.setLong(1, 1 + random.nextInt(OTHER_TENANTS * ROWS_PER_TENANT));
                update.executeUpdate();
                acmeWrites.addAndGet(5);
                otherWrites.incrementAndGet();
                for (int i = 0; i < 6; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, String.valueOf(random.nextLong()), "change"));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("writer failed", e);
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopWriting() throws InterruptedException {
        writer.shutdownNow();
        writer.awaitTermination(10, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(10));
    }

    @Test
    void shouldFlagTheTenantTakingMostWritesAndGiveItItsOwnTarget() throws Exception {
        MigrationSpec spec = SpecLoader.parse(specYaml(), Map.of());
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        long committed = commitCurrentEnd(p0);

        PlanResult result = new PlanRunner(spec).run(spec, PlanSettings.defaults()
                .withWindow(Duration.ofSeconds(3)).withExtraTargets(List.of("pg_e")));

        String acmeShard = spec.routing().targetFor("acme");
        SkewReport report = result.report();
        assertThat(report.findings(Signal.WRITE_SHARE)).extracting(Finding::subject)
                .contains("tenant 'acme'", "pg target " + acmeShard);
        assertThat(report.findings(Signal.WRITE_SHARE)).filteredOn(f -> f.subject().equals("tenant 'acme'"))
                .singleElement().satisfies(f -> assertThat(f.value()).isGreaterThan(0.6));
        assertThat(report.findings(Signal.SHARD_RATE_SKEW)).extracting(Finding::subject)
                .containsExactly("pg target " + acmeShard);

        LayoutProposal proposal = result.proposal();
        assertThat(proposal.hotTenants()).singleElement().satisfies(h -> {
            assertThat(h.tenant()).isEqualTo("acme");
            assertThat(h.from()).isEqualTo(acmeShard);
            assertThat(h.to()).isEqualTo("pg_e");
            assertThat(h.rows()).isGreaterThan(ROWS_PER_TENANT);
        });
        assertThat(proposal.layout().targetFor("acme")).isEqualTo("pg_e");
        for (int t = 0; t < OTHER_TENANTS; t++) {
            assertThat(proposal.layout().targetFor("t" + t)).isIn("pg_a", "pg_b", "pg_c", "pg_d");
        }
        assertThat(proposal.verdict()).isEqualTo(Verdict.REBALANCED);
        assertThat(proposal.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(1.5);
        assertThat(proposal.layout().generation()).isEqualTo(spec.routing().generation() + 1);

        TableLoad orders = result.postgres().tables().get(0);
        assertThat(orders.sampleFraction()).isEqualTo(1.0);
        assertThat(orders.tenants()).filteredOn(t -> !t.tenant().equals("acme"))
                .hasSize(OTHER_TENANTS).allSatisfy(t -> assertThat(t.rows()).isEqualTo(ROWS_PER_TENANT));

        KafkaLoad topics = result.kafka();
        assertThat(topics.partitions()).hasSize(4).allSatisfy(p -> assertThat(p.recordsPerSec()).isPositive());
        PartitionLoad first = topics.partitions().get(0);
        assertThat(first.lag()).isEqualTo(first.endOffset() - committed);
        assertThat(topics.groupCommitted()).isTrue();
        assertThat(report.dimension(SkewReport.KAFKA_RATE).values()).hasSize(4);
    }

    @Test
    void shouldWriteALayoutASpecCanUseAndAChartFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path specFile = Files.writeString(dir.resolve("spec.yaml"), specYaml());
        Path layoutFile = dir.resolve("layout.yaml");
        Path svg = dir.resolve("load.svg");
        Path png = dir.resolve("load.png");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new PlanCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));

        int code = cli.execute("--spec", specFile.toString(), "--sample-seconds", "2", "--targets", "pg_e", "--json",
                "--no-kafka", "--out-layout", layoutFile.toString(), "--svg", svg.toString(), "--png", png.toString(),
                "--chart", "writesPerSec");

        assertThat(code).as("threshold crossed").isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.at("/proposal/hotTenants/0/tenant").asText()).isEqualTo("acme");
        assertThat(json.at("/proposal/layout/hotTenants/acme").asText()).isEqualTo("pg_e");
        assertThat(json.at("/chart/bars")).isNotEmpty();
        String specWithNewLayout = specYaml().substring(0, specYaml().indexOf("layout:")) + Files.readString(layoutFile);
        MigrationSpec next = SpecLoader.parse(specWithNewLayout, Map.of());
        assertThat(next.routing().targetFor("acme")).isEqualTo("pg_e");
        assertThat(Files.readString(svg)).startsWith("<svg").contains("pg_e");
        assertThat(Files.size(png)).isPositive();
    }

    private static long commitCurrentEnd(TopicPartition tp) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
            admin.alterConsumerGroupOffsets(GROUP, Map.of(tp, new OffsetAndMetadata(end))).all().get(30, TimeUnit.SECONDS);
            return end;
        }
    }

    private static String specYaml() {
        String target = "{name: %s, jdbcUrl: \"jdbc:postgresql://127.0.0.1:1/unused\", user: app}";
        return "name: plan_it\n"
                + "source: {jdbcUrl: \"" + pg.jdbcUrl("source") + "\", user: " + pg.user() + ", password: "
                + pg.password() + "}\n"
                + "tables: [{name: public.orders}]\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", partitions: 4}\n"
                + "targets:\n"
                + List.of("pg_a", "pg_b", "pg_c", "pg_d", "pg_e").stream()
                .map(t -> "  - " + String.format(target, t) + "\n").reduce("", String::concat)
                + "layout: {shardKey: tenant_id, buckets: 16, targets: [pg_a, pg_b, pg_c, pg_d]}\n";
    }
}
