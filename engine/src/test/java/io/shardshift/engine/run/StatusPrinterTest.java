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
}
