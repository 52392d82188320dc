package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.rate.RateDecision;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.testkit.WriteLoad;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backfill's rate guard under a live write stream with a small {@code apply.targetLag}: the stream's lag
 * goes over it while the backfill copies, so the guard lowers the backfill's rate naming the lag as the
 * limiting signal; the backfill still copies every row (throttling only delays), and at the end every source
 * row equals its target row.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BackfillRateGuardIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 200_000);

    @Test
    void shouldLowerTheBackfillRateWhenTheStreamLagsAndStillCopyEveryRow(@TempDir Path state) throws Exception {
        String yaml = demo.stack().specYaml("rateguard", 200).replace("chunkRows: 25000", "chunkRows: 5000\n  targetLag: 100ms");
        MigrationSpec spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", demo.stack().source().password()));
        assertThat(spec.applyOrDefaults().targetLagOrDefault()).isEqualTo(Duration.ofMillis(100));
        WriteLoad load = demo.fixture().startLoad(2, 300);
        MigrationRunner runner = demo.fixture().closing(MigrationRunner.start(spec, state));
        CopyOnWriteArrayList<String> signalsSeen = new CopyOnWriteArrayList<>();

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).until(() -> {
            RateGuardStatus g = runner.rateGuard();
            if (g != null && g.active()) {
                signalsSeen.add(g.limitingSignal());
            }
            return runner.backfillFinished();
        });
        assertThat(runner.failure()).isEmpty();

        RateGuardStatus guard = runner.rateGuard();
        assertThat(guard.decreases()).as("decreases of the backfill rate: %s", guard).isPositive();
        assertThat(guard.decisions()).anySatisfy(d -> {
            assertThat(d.action()).isEqualTo(RateDecision.Action.DECREASE);
            assertThat(d.signal()).isEqualTo(RateDecision.LAG);
            assertThat(d.toRate()).isLessThan(d.fromRate());
            assertThat(d.detail()).contains("apply.targetLag 100 ms");
        });
        assertThat(signalsSeen).as("the limiting signal the status showed while the backfill ran")
                .contains(RateDecision.LAG);

        load.stop();
        Drain.await(runner.lag(), Duration.ofMinutes(2));
        TableSchema table = runner.tables().get(0);
        CompareReport report = Compare.orders(demo.stack(), spec, table);
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.sourceRows()).isGreaterThanOrEqualTo(200_000);
        assertThat(runner.deadLetters()).isZero();
    }
}
