package io.shardshift.engine.run;

import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.topology.TargetOutages;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class StatusPrinterTest {

    @Test
    void shouldShowTheSlotsRetainedWalAndWalStatus() {
        assertThat(StatusPrinter.slotLine(new SlotRetention.Reading(0, 12L << 20, "reserved")))
                .isEqualTo("slot retains 12.0 MiB (wal_status reserved)");
        assertThat(StatusPrinter.slotLine(new SlotRetention.Reading(0, -1, "lost")))
                .startsWith("slot retains ? (wal_status lost) LOST");
        assertThat(StatusPrinter.slotLine(new SlotRetention.Reading(0, -1, "missing"))).isEqualTo("slot missing");
    }

    @Test
    void shouldNameTheTargetItWaitsForSinceWhenAndWhy() {
        TargetOutages.Waiting w = new TargetOutages.Waiting("pg_b", 1_765_000_000_000L, "08001 Connection refused");

        assertThat(StatusPrinter.waitingLine(w, Duration.ofMinutes(30))).isEqualTo("WAITING waiting for target pg_b"
                + " since 2025-12-06T05:46:40Z (08001 Connection refused): apply tries again; it stops if the outage"
                + " lasts over 30m");
    }

    @Test
    void shouldShowTheChunksDoneOfAllProcessesAndEachOnesShare() {
        io.shardshift.cdc.TableProgress p = io.shardshift.cdc.TableProgress.of(
                io.shardshift.core.event.TableId.parse("public.orders"), 12, 5, 50_000, 120_000, false);

        assertThat(StatusPrinter.chunksText(p, java.util.Map.of("a", 3))).isEqualTo("chunks 5/12");
        assertThat(StatusPrinter.chunksText(p, new java.util.TreeMap<>(java.util.Map.of("a", 3, "b", 2))))
                .isEqualTo("chunks 5/12 (a: 3, b: 2)");
    }
}
