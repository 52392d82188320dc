package io.shardshift.cutover;

import io.shardshift.client.shadow.ShadowRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ShadowAgreementTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ShadowAgreement agreement = new ShadowAgreement(Duration.ofHours(1), now::get);

    private static ShadowRecord record(String outcome, long atMillis, String query) {
        return new ShadowRecord("r-" + query, "client", "rows", "public.orders", query, "pg_b", 2, outcome,
                outcome.equals("agree") ? "" : "row 1 differs: total 10 vs 99", "[old]", "[new]", null, atMillis);
    }

    @Test
    void shouldCountOnlyTheWindowAndKeepMismatchesNewestFirst() {
        agreement.accept(record("mismatch", now.get() - Duration.ofMinutes(20).toMillis(), "old"));
        for (int i = 0; i < 9; i++) {
            agreement.accept(record("agree", now.get() - 1000, "a" + i));
        }
        agreement.accept(record("error", now.get() - 500, "e"));
        agreement.accept(record("explained-by-lag", now.get() - 400, "l"));

        ShadowAgreement.Counts c = agreement.counts(Duration.ofMinutes(10));
        assertThat(c.reads()).isEqualTo(11);
        assertThat(c.agree()).isEqualTo(9);
        assertThat(c.mismatch()).isZero();
        assertThat(c.error()).isEqualTo(1);
        assertThat(c.explainedByLag()).isEqualTo(1);
        assertThat(c.mismatchRate()).isEqualTo(1.0 / 11);
        assertThat(c.lastMismatch().query()).isEqualTo("e");
        assertThat(agreement.mismatches()).extracting(ShadowRecord::query).containsExactly("e", "old");
        assertThat(agreement.counts(Duration.ofMinutes(30)).mismatch()).isEqualTo(1);
    }

    @Test
    void shouldRefuseTheGateBelowMinReadsAndOverTheRateNamingTheCounts() throws Exception {
        Gate gate = Gates.shadowReads(() -> agreement.counts(Duration.ofMinutes(10)), 3, 0.0);
        agreement.accept(record("agree", now.get(), "a1"));
        agreement.accept(record("agree", now.get(), "a2"));
        assertThat(gate.check().passed()).isFalse();
        assertThat(gate.check().detail()).startsWith("2 shadow reads in the last PT10M (min 3)");

        agreement.accept(record("agree", now.get(), "a3"));
        assertThat(gate.check().passed()).isTrue();

        agreement.accept(record("mismatch", now.get(), "id=42"));
        Gate.GateResult r = gate.check();
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).contains("3 agree, 1 mismatch").contains("latest mismatch: public.orders id=42")
                .contains("total 10 vs 99");
    }
}
