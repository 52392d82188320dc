package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillLedgerTest {
    private static final TableId ORDERS = TableId.parse("public.orders");

    @Test
    void shouldReadBackThePlanItWrites() {
        BackfillLedger.Plan plan = new BackfillLedger.Plan(3, 12, 400_000);

        assertThat(plan.encode()).isEqualTo("gen=3 chunks=12 rows=400000");
        assertThat(BackfillLedger.Plan.decode(plan.encode())).isEqualTo(plan);
    }

    @Test
    void shouldKeepTheTableKeyOfAOneProcessBackfill() {
        assertThat(BackfillLedger.tableKey(ORDERS)).isEqualTo("backfill/public.orders");
        assertThat(BackfillLedger.planKey(ORDERS)).isEqualTo("backfill/public.orders/plan");
        assertThat(BackfillLedger.chunkKey(ORDERS, 7)).isEqualTo("backfill/public.orders/chunk/7");
    }

    @Test
    void shouldCountAFinishedTableWithoutItsChunkRecordsAsWhollyDone() {
        BackfillLedger.Progress p = new BackfillLedger.Progress(ORDERS, new BackfillLedger.Plan(1, 8, 1000), 6, 900, true,
                Map.of("a", 6));

        assertThat(p.toTableProgress().fraction()).isEqualTo(1.0);
        assertThat(p.toTableProgress().finished()).isTrue();
    }
}
