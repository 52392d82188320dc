package io.shardshift.engine.run;

import io.shardshift.engine.lag.SlotRetention;
import org.junit.jupiter.api.Test;

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
}
