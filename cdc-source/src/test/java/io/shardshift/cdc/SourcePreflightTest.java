package io.shardshift.cdc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourcePreflightTest {

    @Test
    void shouldWarnWhenTheSlotMayRetainWalWithoutLimit() {
        assertThat(SourcePreflight.slotRetentionWarning("-1")).hasValueSatisfying(w ->
                assertThat(w).contains("max_slot_wal_keep_size = -1", "ALTER SYSTEM SET max_slot_wal_keep_size", "lost"));
        assertThat(SourcePreflight.slotRetentionWarning(null)).as("before PostgreSQL 13: no limit").isPresent();
    }

    @Test
    void shouldNotWarnWhenTheSlotsWalIsCapped() {
        assertThat(SourcePreflight.slotRetentionWarning("10GB")).isEmpty();
        assertThat(SourcePreflight.slotRetentionWarning("0")).isEmpty();
    }
}
