package io.shardshift.engine.rate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateControllerTest {
    private static final long TARGET_LAG = 2000;
    private static final long UNLIMITED = Long.MAX_VALUE;

    private static RateSignals healthy(double observed) {
        return RateSignals.ofLag(100, TARGET_LAG, observed);
    }

    private static RateSignals lagging(long lagMillis, double observed) {
        return RateSignals.ofLag(lagMillis, TARGET_LAG, observed);
    }

    @Test
    void shouldDoubleWhileStartingThenAddAStepAfterTheFirstDecrease() {
        RateController c = new RateController(UNLIMITED);
        assertThat(c.rate()).isEqualTo(50_000);
        c.decide(healthy(c.rate()), 1);
        c.decide(healthy(c.rate()), 2);
        assertThat(c.rate()).isEqualTo(200_000);

        RateDecision down = c.decide(lagging(3000, c.rate()), 3);
        assertThat(down.action()).isEqualTo(RateDecision.Action.DECREASE);
        assertThat(down.signal()).isEqualTo(RateDecision.LAG);
        assertThat(c.rate()).isEqualTo(100_000);

        c.decide(healthy(c.rate()), 4);
        RateDecision up = c.decide(healthy(c.rate()), 5);
        assertThat(up.action()).isEqualTo(RateDecision.Action.INCREASE);
        assertThat(c.rate()).isEqualTo(120_000);
    }

    @Test
    void shouldHalveOncePerCooldownWhileTheLagStaysHigh() {
        RateController c = new RateController(UNLIMITED);
        c.decide(healthy(c.rate()), 0);
        double[] rates = new double[7];
        for (int i = 0; i < rates.length; i++) {
            c.decide(lagging(5000, c.rate()), i + 1);
            rates[i] = c.rate();
        }
        assertThat(rates).containsExactly(50_000, 50_000, 50_000, 25_000, 25_000, 25_000, 12_500);
    }

    @Test
    void shouldHoldWhileTheLagIsOverTheTargetButFalling() {
        RateController c = new RateController(UNLIMITED);
        c.decide(lagging(8000, c.rate()), 1);
        for (int i = 0; i < 3; i++) {
            c.decide(lagging(8000 - 1000 * (i + 1), c.rate()), i + 2);
        }
        RateDecision falling = c.decide(lagging(4000, c.rate()), 5);
        assertThat(falling.action()).isEqualTo(RateDecision.Action.HOLD);
        assertThat(falling.detail()).contains("falling");
        assertThat(c.rate()).isEqualTo(25_000);

        RateDecision rising = c.decide(lagging(4500, c.rate()), 6);
        assertThat(rising.action()).isEqualTo(RateDecision.Action.DECREASE);
        assertThat(c.rate()).isEqualTo(12_500);
    }

    @Test
    void shouldNeverGoBelowTheFloorSoTheBackfillAlwaysMovesOn() {
        RateController c = new RateController(UNLIMITED);
        for (int i = 0; i < 100; i++) {
            c.decide(new RateSignals(60_000, TARGET_LAG, -1, -1, -1, List.of("pg_b"), Map.of(), Map.of(), c.rate()), i);
        }
        assertThat(c.rate()).isEqualTo(RateController.MIN_RATE);
    }

    @Test
    void shouldStopLoweringTheRateWhenTheLagAloneGrowsThroughThreeDecreases() {
        RateController c = new RateController(UNLIMITED);
        long lag = 5000;
        for (int i = 0; i < 40; i++) {
            c.decide(lagging(lag, c.rate()), i);
            lag += 500;
        }
        assertThat(c.rate()).isEqualTo(6_250);
        RateDecision held = c.decide(lagging(lag, c.rate()), 41);
        assertThat(held.action()).isEqualTo(RateDecision.Action.HOLD);
        assertThat(held.detail()).contains("not what holds the stream back");

        c.decide(healthy(0), 42);
        c.decide(lagging(lag, c.rate()), 43);
        assertThat(c.rate()).as("a healthy tick lets the lag lower the rate again").isEqualTo(3_125);
    }

    @Test
    void shouldKeepLoweringTheRateWhileTheLagAnswersTheDecreases() {
        RateController c = new RateController(UNLIMITED);
        long lag = 60_000;
        for (int i = 0; i < 100; i++) {
            RateDecision d = c.decide(lagging(lag, c.rate()), i);
            lag += d.action() == RateDecision.Action.DECREASE ? -300 : 100;
        }
        assertThat(c.rate()).isEqualTo(RateController.MIN_RATE);
    }

    @Test
    void shouldHoldNearTheTargetLagAndWhenTheRateIsNotUsed() {
        RateController c = new RateController(UNLIMITED);
        RateDecision near = c.decide(lagging(1500, c.rate()), 1);
        assertThat(near.action()).isEqualTo(RateDecision.Action.HOLD);
        assertThat(near.signal()).isEqualTo(RateDecision.LAG);

        RateDecision unused = c.decide(healthy(c.rate() / 4), 2);
        assertThat(unused.action()).isEqualTo(RateDecision.Action.HOLD);
        assertThat(unused.signal()).isEqualTo(RateDecision.NONE);
        assertThat(c.rate()).isEqualTo(50_000);
    }

    @Test
    void shouldStopAtMaxRate() {
        RateController c = new RateController(30_000);
        c.decide(healthy(c.rate()), 1);
        assertThat(c.rate()).isEqualTo(30_000);
        RateDecision at = c.decide(healthy(c.rate()), 2);
        assertThat(at.action()).isEqualTo(RateDecision.Action.HOLD);
        assertThat(at.signal()).isEqualTo(RateDecision.MAX_RATE);
        assertThat(c.rate()).isEqualTo(30_000);
    }

    @Test
    void shouldStartAtMaxRateWhenItIsLow() {
        RateController c = new RateController(1_000);
        assertThat(c.rate()).isEqualTo(1_000);
        c.decide(lagging(9000, 1000), 1);
        assertThat(c.rate()).isEqualTo(500);
    }

    @Test
    void shouldNameAWaitingTargetBeforeTheLagItCauses() {
        RateController c = new RateController(UNLIMITED);
        RateSignals s = new RateSignals(9000, TARGET_LAG, -1, -1, -1, List.of("pg_b"), Map.of(), Map.of(), 50_000);
        RateDecision d = c.decide(s, 1);
        assertThat(d.action()).isEqualTo(RateDecision.Action.DECREASE);
        assertThat(d.signal()).isEqualTo("target pg_b");
        assertThat(d.detail()).contains("waiting for target pg_b").contains("stream lag 9000 ms");
    }

    @Test
    void shouldDecreaseOnAStandbyReplayLagOverTheTarget() {
        RateController c = new RateController(UNLIMITED);
        RateSignals s = new RateSignals(100, TARGET_LAG, -1, -1, 2500, List.of(), Map.of(), Map.of(), 50_000);
        assertThat(c.decide(s, 1).signal()).isEqualTo(RateDecision.STANDBY);
        assertThat(c.rate()).isEqualTo(25_000);
    }

    @Test
    void shouldDecreaseWhenTheSourceOrATargetIsSlowAgainstItsBaseline() {
        RateController c = new RateController(UNLIMITED);
        RateSignals source = new RateSignals(100, TARGET_LAG, 120, 10, -1, List.of(), Map.of(), Map.of(), 50_000);
        assertThat(c.decide(source, 1).signal()).isEqualTo(RateDecision.SOURCE);

        RateController d = new RateController(UNLIMITED);
        RateSignals target = new RateSignals(100, TARGET_LAG, 12, 10, -1, List.of(),
                Map.of("pg_a", 15.0, "pg_b", 200.0), Map.of("pg_a", 10.0, "pg_b", 20.0), 50_000);
        RateDecision decision = d.decide(target, 1);
        assertThat(decision.signal()).isEqualTo("target pg_b");
        assertThat(decision.action()).isEqualTo(RateDecision.Action.DECREASE);
    }

    @Test
    void shouldIgnoreSmallAbsoluteSlowdownsAndUnknownBaselines() {
        RateController c = new RateController(UNLIMITED);
        RateSignals noisy = new RateSignals(100, TARGET_LAG, 8, 1, -1, List.of(), Map.of("pg_a", 500.0),
                Map.of("pg_a", -1.0), 50_000);
        RateDecision d = c.decide(noisy, 1);
        assertThat(d.action()).isEqualTo(RateDecision.Action.INCREASE);
        assertThat(d.signal()).isEqualTo(RateDecision.NONE);
    }

    @Test
    void shouldRecoverAfterTheLagClears() {
        RateController c = new RateController(UNLIMITED);
        c.decide(lagging(5000, c.rate()), 1);
        for (int i = 0; i < 10; i++) {
            c.decide(healthy(c.rate()), i + 2);
        }
        assertThat(c.rate()).isEqualTo(25_000 + 10 * RateController.STEP);
    }
}
