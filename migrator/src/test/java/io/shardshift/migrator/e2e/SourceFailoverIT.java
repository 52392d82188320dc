package io.shardshift.migrator.e2e;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.cutover.SourceFailoverConvergence;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.devstack.TcpProxy;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.SourceFailover;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.RowCompare;
import io.shardshift.testkit.WriteLoad;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The source primary fails mid-stream and its physical standby is promoted behind the same address (a proxy moved
 * to the standby's port, as a VIP or DNS failover looks to the migrator). The migrator, started again, finds the
 * new timeline and the lost slot, resumes on the new primary and converges the targets: every row equal to the new
 * primary's, nothing the new primary lacks left on the targets, no dead letter.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SourceFailoverIT {
    private static final int ROWS = 20_000;

    @Test
    void shouldResumeOnThePromotedStandbyWithEveryRowEqualUnderLiveWrites(@TempDir Path dir) throws Exception {
        try (DemoFixture fixture = DemoFixture.start(false, ROWS);
             DevPostgres standby = fixture.stack().source().startStandby();
             TcpProxy vip = TcpProxy.start(fixture.stack().source().port())) {
            DemoStack stack = fixture.stack();
            MigrationSpec spec = specBehind(stack, vip, "failover");
            Path state = dir.resolve("state");
            WriteLoad load = load(stack, vip);
            try (MigrationRunner first = MigrationRunner.start(spec, state)) {
                assertThat(first.sourceFailover()).isEmpty();
                assertThat(first.awaitBackfill(Duration.ofMinutes(2))).isTrue();
                long before = load.total();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > before + 300
                        && stack.countOnTargets("public.orders", "_ss_lsn > 0") > 100);

                stack.source().kill();
                standby.promote();
                vip.redirect(standby.port());
                await().atMost(Duration.ofMinutes(1)).until(() -> first.failure().isPresent());
                assertThat(first.failure().get()).hasMessageContaining("source failover")
                        .hasMessageContaining("start shardshift migrate again");
            } finally {
                closeAfterTheKill(load);
            }

            try (WriteLoad after = load(stack, vip);
                 MigrationRunner second = MigrationRunner.start(spec, state);
                 AuditTrail audit = AuditTrail.toFile(dir.resolve("audit.log"))) {
                SourceFailover found = second.sourceFailover().orElseThrow();
                assertThat(found.kind()).isEqualTo(SourceFailover.PROMOTED_STANDBY);
                assertThat(found.highestPositionBefore()).as("streamed changes were applied before the kill").isPositive();
                assertThat(found.resumedAfter()).isGreaterThan(found.highestPositionBefore());
                assertThat(found.current().timeline()).isEqualTo(found.previous().timeline() + 1);
                assertThat(second.slot().created()).as("a new slot on the new primary").isTrue();
                assertThat(second.tablesHeldBack()).anyMatch(r -> r.contains("source failover"));

                assertThat(SourceFailoverConvergence.recordDetected(second, audit)).isTrue();
                assertThat(SourceFailoverConvergence.converge(second, audit, Duration.ofMinutes(2))).isTrue();
                assertThat(second.sourceFailover().orElseThrow().state()).isEqualTo(SourceFailover.CONVERGED);
                assertThat(second.tablesHeldBack()).noneMatch(r -> r.contains("source failover"));
                long afterConverge = after.total();
                await().atMost(Duration.ofMinutes(1)).until(() -> after.total() > afterConverge + 300);
                after.stop();
                Drain.await(second.lag(), Duration.ofMinutes(2));

                assertEqualToNewPrimary(stack, standby, spec, second.tables().get(0));
                assertThat(deadLetterRecords(spec)).isZero();
                assertThat(Files.readString(audit.file())).contains("source-failover-detected", "source-failover-converged");
            }
        }
    }

    @Test
    void shouldRemoveFromTheTargetsWhatOnlyTheOldPrimaryHadWhenTheStandbyWasBehind(@TempDir Path dir) throws Exception {
        try (DemoFixture fixture = DemoFixture.start(false, ROWS);
             DevPostgres standby = fixture.stack().source().startStandby();
             TcpProxy vip = TcpProxy.start(fixture.stack().source().port())) {
            DemoStack stack = fixture.stack();
            MigrationSpec spec = specBehind(stack, vip, "behind");
            Path state = dir.resolve("state");
            try (MigrationRunner first = MigrationRunner.start(spec, state)) {
                assertThat(first.awaitBackfill(Duration.ofMinutes(2))).isTrue();
                standby.awaitReplayed(stack.source().currentWalLsn(), Duration.ofMinutes(1));
                standby.detachFromPrimary(Duration.ofSeconds(30));
                // commits the standby never gets: inserts, updates and deletes, applied to the targets
                stack.executeOnSource("INSERT INTO public.orders (tenant_id, customer, status, amount, note)"
                        + " SELECT 'acme', 'c', 'lost', 1, 'lost branch' FROM generate_series(1, 500)");
                stack.executeOnSource("UPDATE public.orders SET status = 'lost', note = 'lost branch' WHERE id <= 500");
                stack.executeOnSource("DELETE FROM public.orders WHERE id BETWEEN 501 AND 700");
                Drain.await(first.lag(), Duration.ofMinutes(2));
                assertThat(stack.countOnTargets("public.orders", "note = 'lost branch'")).isEqualTo(1_000);
                stack.source().kill();
            }
            standby.promote();
            long promotedAt = standby.currentWalLsn();
            vip.redirect(standby.port());
            try (Connection c = standby.connect(DemoStack.DATABASE); Statement s = c.createStatement()) {
                // the new primary's own writes, at positions below those the targets hold from the old primary
                s.execute("UPDATE public.orders SET status = 'after failover' WHERE id <= 250");
                s.execute("DELETE FROM public.orders WHERE id BETWEEN 901 AND 950");
            }

            try (MigrationRunner second = MigrationRunner.start(spec, state);
                 AuditTrail audit = AuditTrail.toFile(dir.resolve("audit.log"))) {
                SourceFailover found = second.sourceFailover().orElseThrow();
                assertThat(found.highestPositionBefore()).as("the targets hold positions the new primary never had")
                        .isGreaterThan(promotedAt);
                assertThat(found.resumedAfter()).isGreaterThan(found.highestPositionBefore());
                assertThat(SourceFailoverConvergence.converge(second, audit, Duration.ofMinutes(2))).isTrue();
                try (Connection c = standby.connect(DemoStack.DATABASE); Statement s = c.createStatement()) {
                    s.execute("UPDATE public.orders SET status = 'streamed after failover' WHERE id BETWEEN 251 AND 300");
                }
                Drain.await(second.lag(), Duration.ofMinutes(2));

                assertThat(stack.countOnTargets("public.orders", "note = 'lost branch'")).as("nothing resurrected").isZero();
                assertThat(stack.countOnTargets("public.orders", "id BETWEEN 501 AND 700")).as("deleted only on the old primary").isEqualTo(200);
                assertThat(stack.countOnTargets("public.orders", "id BETWEEN 901 AND 950")).as("deleted on the new primary").isZero();
                assertThat(stack.countOnTargets("public.orders", "status = 'after failover'")).isEqualTo(250);
                assertThat(stack.countOnTargets("public.orders", "status = 'streamed after failover'")).isEqualTo(50);
                assertEqualToNewPrimary(stack, standby, spec, second.tables().get(0));
                assertThat(deadLetterRecords(spec)).isZero();
            }
        }
    }

    @Test
    void shouldResumeInTheSameMigrateProcessWhenTheSourceFailsOverWhileItRuns(@TempDir Path dir) throws Exception {
        try (DemoFixture fixture = DemoFixture.start(false, ROWS);
             DevPostgres standby = fixture.stack().source().startStandby();
             TcpProxy vip = TcpProxy.start(fixture.stack().source().port())) {
            DemoStack stack = fixture.stack();
            MigrationSpec spec = specBehind(stack, vip, "inprocess");
            Path specFile = dir.resolve("spec.yaml");
            Files.writeString(specFile, stack.specYaml("inprocess", 500).replace(stack.source().jdbcUrl(DemoStack.DATABASE),
                    "jdbc:postgresql://127.0.0.1:" + vip.port() + "/" + DemoStack.DATABASE));
            Path state = dir.resolve("state");
            Path log = dir.resolve("migrator.log");
            Process migrator = startMigrator(specFile, state, log, stack);
            try {
                WriteLoad load = load(stack, vip);
                try {
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                            .until(() -> Files.readString(log).contains("streaming:"));
                    long before = load.total();
                    await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > before + 300);
                    stack.source().kill();
                    standby.promote();
                    vip.redirect(standby.port());
                } finally {
                    closeAfterTheKill(load);
                }
                try (WriteLoad after = load(stack, vip)) {
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                            Files.exists(state.resolve("audit.log"))
                                    && Files.readString(state.resolve("audit.log")).contains("source-failover-converged"));
                    assertThat(migrator.isAlive()).as("the same migrate process resumed").isTrue();
                    assertThat(Files.readString(log)).contains("resuming on the new primary");
                    long afterConverge = after.total();
                    await().atMost(Duration.ofMinutes(1)).until(() -> after.total() > afterConverge + 300);
                    after.stop();
                }
                TableSchema table;
                try (Connection c = standby.connect(DemoStack.DATABASE)) {
                    table = new io.shardshift.cdc.SourceCatalog(c).read(io.shardshift.core.event.TableId.parse("public.orders"));
                }
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                        assertEqualToNewPrimary(stack, standby, spec, table));
                assertThat(migrator.isAlive()).isTrue();
                assertThat(deadLetterRecords(spec)).isZero();
            } finally {
                migrator.destroy();
                if (!migrator.waitFor(30, TimeUnit.SECONDS)) {
                    migrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process startMigrator(Path spec, Path state, Path log, DemoStack stack) throws Exception {
        List<String> cmd = io.shardshift.testkit.ChildJvm.command(List.of("-Xmx1g"), io.shardshift.migrator.cli.ShardshiftCli.class,
                List.of("migrate", "--spec=" + spec, "--state-dir=" + state, "--status-every=PT1S", "--http-port=0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", stack.source().password());
        pb.environment().put("CI", "true");
        return pb.start();
    }

    @Test
    void shouldRefuseASourceThatIsAnotherCluster(@TempDir Path dir) throws Exception {
        try (DemoFixture fixture = DemoFixture.start(false, 1_000);
             DevPostgres other = DevPostgres.start();
             TcpProxy vip = TcpProxy.start(fixture.stack().source().port())) {
            DemoStack stack = fixture.stack();
            MigrationSpec spec = specBehind(stack, vip, "other");
            try (MigrationRunner first = MigrationRunner.start(spec, dir.resolve("state"))) {
                assertThat(first.awaitBackfill(Duration.ofMinutes(2))).isTrue();
            }
            other.createDatabase(DemoStack.DATABASE);
            try (Connection c = other.connect(DemoStack.DATABASE)) {
                io.shardshift.testkit.DemoSource.create(c, 10);
            }
            vip.redirect(other.port());
            assertThatThrownBy(() -> MigrationRunner.start(spec, dir.resolve("state")).close())
                    .isInstanceOf(SpecException.class)
                    .hasMessageContaining("source.jdbcUrl")
                    .hasMessageContaining("another PostgreSQL cluster");
        }
    }

    private static MigrationSpec specBehind(DemoStack stack, TcpProxy vip, String name) {
        String direct = stack.source().jdbcUrl(DemoStack.DATABASE);
        String yaml = stack.specYaml(name, 500).replace(direct, "jdbc:postgresql://127.0.0.1:" + vip.port() + "/" + DemoStack.DATABASE);
        assertThat(yaml).doesNotContain(direct);
        return SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
    }

    /** The writers' connections to the killed primary broke (as the application's did): that failure is expected. */
    private static void closeAfterTheKill(WriteLoad load) {
        try {
            load.close();
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("writer failed");
        }
    }

    private static WriteLoad load(DemoStack stack, TcpProxy vip) {
        return new WriteLoad("jdbc:postgresql://127.0.0.1:" + vip.port() + "/" + DemoStack.DATABASE,
                stack.source().user(), stack.source().password(), 2, 150).start();
    }

    private static void assertEqualToNewPrimary(DemoStack stack, DevPostgres newPrimary, MigrationSpec spec,
                                                TableSchema table) throws SQLException {
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = newPrimary.connect(DemoStack.DATABASE)) {
            targets.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
            targets.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
            CompareReport report = RowCompare.compare(src, targets, table, spec.shardKeyOf(table.id()), spec.routing());
            assertThat(report.mismatches()).isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isGreaterThan(ROWS / 2);
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }

    private static long deadLetterRecords(MigrationSpec spec) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(spec.deadLetterTopic()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
