package io.shardshift.engine.topology;

import io.shardshift.core.sink.OutagePolicy;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.TargetUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waiting out a target's outage, on a fake clock that the pauses move. */
class TargetOutagesTest {
    private static final long START = 1_000_000L;

    private final AtomicLong now = new AtomicLong(START);
    private final List<Long> pauses = new ArrayList<>();
    private final TargetOutages outages = new TargetOutages(
            OutagePolicy.of(Duration.ofSeconds(30), Duration.ofSeconds(5)), now::get, millis -> {
                pauses.add(millis);
                now.addAndGet(millis);
            });

    @Test
    void shouldTryAgainUntilTheTargetIsBackAndThenClearTheWait() {
        AtomicInteger calls = new AtomicInteger();
        List<String> seenWhileDown = new ArrayList<>();

        String result = outages.call("pg_b", () -> {
            if (calls.incrementAndGet() <= 4) {
                outages.waiting("pg_b").ifPresent(w -> seenWhileDown.add(w.describe()));
                throw down("pg_b");
            }
            return "written";
        });

        assertThat(result).isEqualTo("written");
        assertThat(calls).hasValue(5);
        assertThat(seenWhileDown).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("waiting for target pg_b since 1970-01-01T00:16:40Z (")
                .contains("Connection to b:5432 refused"));
        assertThat(outages.waiting()).isEmpty();
        assertThat(outages.secondsWaiting("pg_b")).isZero();
    }

    @Test
    void shouldShowHowLongItHasWaitedWhileTheTargetIsDown() {
        AtomicInteger calls = new AtomicInteger();
        List<Double> waited = new ArrayList<>();

        outages.call("solr_orders", () -> {
            waited.add(outages.secondsWaiting("solr_orders"));
            if (calls.incrementAndGet() < 8) {
                throw down("solr_orders");
            }
            return null;
        });

        assertThat(waited.get(0)).isZero();
        assertThat(waited).isSorted();
        assertThat(waited.get(waited.size() - 1)).isGreaterThan(10);
        assertThat(outages.secondsWaiting("solr_orders")).isZero();
    }

    @Test
    void shouldPauseWithCappedExponentialBackoff() {
        AtomicInteger calls = new AtomicInteger();

        outages.call("pg_b", () -> {
            if (calls.incrementAndGet() <= 7) {
                throw down("pg_b");
            }
            return null;
        });

        assertThat(pauses.stream().mapToLong(Long::longValue).sum()).isEqualTo(250 + 500 + 1000 + 2000 + 4000 + 5000 + 5000);
    }

    @Test
    void shouldGiveUpAfterTheGiveUpNamingTheTargetAndHowLongItWaited() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> outages.call("pg_b", () -> {
            calls.incrementAndGet();
            throw down("pg_b");
        })).isInstanceOf(SinkException.class).isNotInstanceOf(TargetUnavailableException.class)
                .hasMessageStartingWith("gave up waiting for target pg_b after 3")
                .hasMessageContaining("apply.outageGiveUp is 30s")
                .hasMessageContaining("target 'pg_b' (jdbc:postgresql://b:5432/app)")
                .hasMessageNotContaining("\n");
        assertThat(now.get() - START).isGreaterThan(30_000).isLessThanOrEqualTo(35_000);
        assertThat(calls.get()).isGreaterThan(5);
        assertThat(outages.waiting()).isEmpty();
    }

    @Test
    void shouldPassOtherErrorsThroughAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> outages.call("pg_b", () -> {
            calls.incrementAndGet();
            throw new SinkException("42P01 relation \"public.orders\" does not exist");
        })).hasMessageContaining("42P01");
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
        assertThat(outages.waiting()).isEmpty();
    }

    @Test
    void shouldStopWaitingWhenApplyStops() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> outages.call("pg_b", () -> {
            if (calls.incrementAndGet() == 3) {
                outages.stop();
            }
            throw down("pg_b");
        })).isInstanceOf(ApplyStoppedException.class).hasMessageContaining("pg_b");
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldKeepWaitingForATargetWhileAnotherTargetIsWritten() {
        AtomicInteger calls = new AtomicInteger();
        List<List<String>> waitingWhileOtherWritten = new ArrayList<>();

        outages.call("pg_b", () -> {
            if (calls.incrementAndGet() == 3) {
                outages.call("pg_a", () -> "written");
                waitingWhileOtherWritten.add(outages.waiting().stream().map(TargetOutages.Waiting::target).toList());
            }
            if (calls.get() <= 3) {
                throw down("pg_b");
            }
            return null;
        });

        assertThat(waitingWhileOtherWritten).containsExactly(List.of("pg_b"));
        assertThat(outages.waiting()).isEmpty();
    }

    @Test
    void shouldKeepErrorsOnOneLineWithoutPasswords() {
        assertThat(TargetOutages.oneLine("FATAL: x\n  at jdbc:postgresql://h/db?password=s3cret&user=u"))
                .doesNotContain("\n").doesNotContain("s3cret");
    }

    private static TargetUnavailableException down(String target) {
        return new TargetUnavailableException(target, "applying 3 events of [public.orders] failed on target '"
                + target + "' (jdbc:postgresql://b:5432/app): 08001 Connection to b:5432 refused.\nCheck that"
                + " the hostname and port are correct", null);
    }
}
