package io.shardshift.cutover.internal;

import io.shardshift.cutover.Gate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Waits until the apply lag has stayed under its bound for the stable period and every gate passes in
 * the same round. Checks every 200 ms. Gates are checked in order, and only while the lag is stable; the
 * first gate that fails ends the round (the later ones keep their last result), so an expensive gate such
 * as a full verification runs only when every cheaper condition before it holds.
 */
public final class GateRunner {
    private final LongSupplier lagMillis;
    private final long maxLagMillis;
    private final Duration stableFor;
    private final List<Gate> gates;
    private List<Gate.GateResult> last = List.of();

    public GateRunner(LongSupplier lagMillis, long maxLagMillis, Duration stableFor, List<Gate> gates) {
        this.lagMillis = lagMillis;
        this.maxLagMillis = maxLagMillis;
        this.stableFor = stableFor;
        this.gates = gates;
    }

    /** @return true when every gate passed before the timeout; {@link #lastResults()} says what was seen */
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stableSince = -1;
        while (true) {
            List<Gate.GateResult> round = new ArrayList<>();
            long now = System.nanoTime();
            Gate.GateResult lag = checkLag();
            if (!lag.passed()) {
                stableSince = -1;
            } else if (stableSince < 0) {
                stableSince = now;
            }
            boolean stable = stableSince >= 0 && now - stableSince >= stableFor.toNanos();
            round.add(new Gate.GateResult("lag", stable, lag.detail() + (lag.passed() && !stable
                    ? ", stable for " + (now - stableSince) / 1_000_000 + " of " + stableFor.toMillis() + " ms" : "")));
            boolean all = stable;
            for (int i = 0; i < gates.size(); i++) {
                Gate.GateResult r = all ? check(gates.get(i)) : notChecked(i, stable);
                round.add(r);
                all &= r.passed();
            }
            last = List.copyOf(round);
            if (all) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
    }

    /** A gate left out of this round: its last result, marked as not passing now. */
    private Gate.GateResult notChecked(int index, boolean stable) {
        // index + 1: the lag is entry 0 of a round
        String why = stable ? "not checked: an earlier gate fails" : "not checked: waiting for the lag to be stable";
        int at = index + 1;
        if (at < last.size()) {
            Gate.GateResult before = last.get(at);
            return Gate.GateResult.fail(before.gate(), why + " (last: " + (before.passed() ? "passed" : before.detail()) + ")");
        }
        return Gate.GateResult.fail(gates.get(index).name(), why);
    }

    private Gate.GateResult checkLag() {
        try {
            long lag = lagMillis.getAsLong();
            String detail = "apply lag " + lag + " ms (max " + maxLagMillis + ")";
            return new Gate.GateResult("lag", lag <= maxLagMillis, detail);
        } catch (RuntimeException e) {
            return Gate.GateResult.fail("lag", "cannot read lag: " + e.getMessage());
        }
    }

    private static Gate.GateResult check(Gate g) {
        try {
            return g.check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Gate.GateResult.fail(g.name(), "interrupted");
        } catch (Exception e) {
            return Gate.GateResult.fail(g.name(), "check failed: " + e.getMessage());
        }
    }

    /** The results of the last round. */
    public List<Gate.GateResult> lastResults() {
        return last;
    }

    /** The first result that did not pass, as text. */
    public String firstFailure() {
        return last.stream().filter(r -> !r.passed()).findFirst().map(r -> r.gate() + ": " + r.detail()).orElse("none");
    }
}
