package io.shardshift.migrator.e2e;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real migration on real PostgreSQL and Kafka: 100k rows of 8 tenants, writes (inserts, updates,
 * tenant moves, deletes) running during the backfill and during streaming; once writes stop and lag is
 * zero, every source row equals its target row, each key is in the target the layout names, and no
 * target holds an extra row.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationEndToEndIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(false, 100_000);

    @Test
    @Order(1)
    void shouldMigrateEveryRowToItsTargetWhileWritesContinue(@TempDir Path state) throws Exception {
        MigrationSpec spec = demo.stack().spec("e2e", 500);
        try (WriteLoad load = demo.fixture().startLoad(4, 400);
             MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(3))).as("backfill finished").isTrue();
            long writesAtBackfillEnd = load.total();
            await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > writesAtBackfillEnd + 2_000);
            load.stop();
            assertThat(load.total()).as("writes acknowledged during the migration").isGreaterThan(2_000);

            Drain.await(runner.lag(), Duration.ofMinutes(2));

            CompareReport report = Compare.orders(demo.stack(), spec, runner.tables().get(0));
            assertThat(report.mismatches()).isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.sourceRows()).isEqualTo(countSourceRows()).isGreaterThan(90_000);
            assertThat(runner.deadLetters()).isZero();
            assertThat(runner.metrics().snapshot()).containsKeys("pg_a", "pg_b");
        }
    }

    @Test
    @Order(2)
    void shouldRefillAWipedTargetWhenTheTableIsBackfilledAgain(@TempDir Path state) throws Exception {
        MigrationSpec spec = demo.stack().spec("e2e", 500);
        try (Connection a = demo.stack().targets().get(0).connect(DemoStack.DATABASE); Statement st = a.createStatement()) {
            st.execute("DELETE FROM public.orders WHERE id % 3 = 0");
        }
        try (MigrationRunner restarted = MigrationRunner.start(spec, state)) {
            assertThat(restarted.awaitBackfill(Duration.ofMinutes(1))).isTrue();
            Drain.await(restarted.lag(), Duration.ofMinutes(2));
            CompareReport wiped = Compare.orders(demo.stack(), spec, restarted.tables().get(0));
            assertThat(wiped.mismatches()).as("a plain restart does not copy a finished table again")
                    .isNotEmpty().allMatch(m -> m.kind() == CompareReport.Kind.MISSING_IN_TARGET);
        }
        try (MigrationRunner again = MigrationRunner.start(spec, state, Set.of(TableId.parse("public.orders")))) {
            assertThat(again.awaitBackfill(Duration.ofMinutes(3))).isTrue();
            Drain.await(again.lag(), Duration.ofMinutes(2));
            CompareReport refilled = Compare.orders(demo.stack(), spec, again.tables().get(0));
            assertThat(refilled.mismatches()).isEmpty();
            assertThat(refilled.clean()).isTrue();
        }
    }

    private static long countSourceRows() throws Exception {
        try (Connection c = demo.fixture().source(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
