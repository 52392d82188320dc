package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.TargetOutages;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.StallingProxy;
import io.shardshift.testkit.WriteLoad;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A network stall in front of a target (a TCP proxy that stops forwarding and keeps the connections open)
 * under a live write load: apply's write times out instead of hanging, apply waits for the target and shows
 * it, and after the network recovers every source row equals its target row.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TargetStallIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 10_000);

    @Test
    void shouldTimeOutWaitAndRecoverWhenTheNetworkToATargetStalls(@TempDir Path state) throws Exception {
        DevPostgres pgB = demo.stack().targets().get(1);
        StallingProxy proxy = demo.fixture().closing(StallingProxy.start("127.0.0.1", pgB.port()));
        String yaml = demo.stack().specYaml("stall", 200).replace(pgB.jdbcUrl(DemoStack.DATABASE),
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + DemoStack.DATABASE);
        MigrationSpec spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password()));
        assertThat(spec.target("pg_b").jdbcUrl()).contains(":" + proxy.port() + "/");
        WriteLoad load = demo.fixture().startLoad(2, 200);
        MigrationRunner runner = demo.fixture().closing(MigrationRunner.start(spec, state));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        await().atMost(Duration.ofMinutes(1)).until(() -> runner.metrics().target("pg_b").eventsApplied() > 100);

        proxy.stall();
        long stalledAt = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.outages().waiting().stream()
                    .map(TargetOutages.Waiting::target).toList().equals(List.of("pg_b")));
            assertThat(runner.outages().waiting("pg_b").orElseThrow().lastError()).contains("pg_b");
            assertThat(runner.failure()).isEmpty();
            long left = Duration.ofSeconds(35).toNanos() - (System.nanoTime() - stalledAt);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } finally {
            proxy.resume();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> runner.outages().waiting().isEmpty());
        long applied = runner.metrics().target("pg_b").eventsApplied();
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.metrics().target("pg_b").eventsApplied() > applied);
        load.stop();
        Drain.await(runner.lag(), Duration.ofMinutes(2));

        TableSchema table = runner.tables().get(0);
        CompareReport report = Compare.orders(demo.stack(), spec, table);
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.sourceRows()).isGreaterThanOrEqualTo(10_000);
        assertThat(runner.failure()).isEmpty();
        assertThat(runner.deadLetters()).isZero();
    }
}
