package io.shardshift.migrator.e2e;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.Role;
import io.shardshift.engine.run.RunOptions;
import io.shardshift.testkit.WriteLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One migration run by two migrators with the same spec, started at the same moment: one captures and copies
 * ({@code --role capture,backfill}), the other applies ({@code --role apply}). Their set-up runs one after the
 * other, the work lands where the roles place it, and every row arrives.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RolesIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 20_000);

    @Test
    void twoProcessesWithSplitRolesMigrateEveryRow(@TempDir Path stateA, @TempDir Path stateB) throws Exception {
        MigrationSpec spec = demo.stack().spec("roles", 500);
        try (WriteLoad load = demo.fixture().startLoad(2, 200)) {
            CompletableFuture<MigrationRunner> capturing = CompletableFuture.supplyAsync(() -> MigrationRunner.start(spec,
                    stateA, RunOptions.all().withRoles(Role.parse("capture,backfill")).withInstanceId("roles-a")));
            CompletableFuture<MigrationRunner> applying = CompletableFuture.supplyAsync(() -> MigrationRunner.start(spec,
                    stateB, RunOptions.all().withRoles(Role.parse("apply")).withInstanceId("roles-b")));
            try (MigrationRunner a = demo.fixture().closing(capturing.get(3, TimeUnit.MINUTES));
                 MigrationRunner b = demo.fixture().closing(applying.get(3, TimeUnit.MINUTES))) {
                assertThat(b.awaitBackfill(Duration.ofMinutes(2)))
                        .as("the apply-only process sees the backfill the other one recorded").isTrue();
                long atBackfillEnd = load.total();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > atBackfillEnd + 300);
                load.stop();

                Drain.await(b.lag(), Duration.ofMinutes(2));
                CompareReport report = Compare.orders(demo.stack(), spec, b.tables().get(0));
                assertThat(report.mismatches()).isEmpty();
                assertThat(report.clean()).isTrue();
                assertThat(report.sourceRows()).isGreaterThanOrEqualTo(20_000);
                assertThat(b.metrics().snapshot()).as("apply ran in the apply process").containsKeys("pg_a", "pg_b");
                assertThat(a.metrics().snapshot()).as("no apply in the capture process").isEmpty();
                assertThat(a.failure()).isEmpty();
                assertThat(b.failure()).isEmpty();
            }
        }
    }
}
