package io.shardshift.engine.run;

import io.shardshift.cdc.SourceIdentity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceFailoverCheckTest {

    @Test
    void shouldKeepAnUnconvergedFailoverInTheStateForTheNextStart() {
        SourceFailover f = new SourceFailover(SourceFailover.PROMOTED_STANDBY, "timeline 1 -> 2", "converge",
                new SourceIdentity(42, 1, 150019), new SourceIdentity(42, 2, 150019), 0x3000148L, 0x4000000L,
                SourceFailover.CONVERGING, "", 1_700_000_000_000L);

        SourceFailover read = SourceFailoverCheck.decode(SourceFailoverCheck.encode(f)).orElseThrow();

        assertThat(read).isEqualTo(f);
        assertThat(read.needsConvergence()).isTrue();
        assertThat(read.withState(SourceFailover.CONVERGED, "clean").needsConvergence()).isFalse();
        assertThat(read.withState(SourceFailover.CONVERGE_FAILED, "3 left").needsConvergence()).isTrue();
    }

    @Test
    void shouldIgnoreAnUnreadableRecord() {
        assertThat(SourceFailoverCheck.decode("{not json")).isEmpty();
        assertThat(SourceFailoverCheck.decode(null)).isEmpty();
    }
}
