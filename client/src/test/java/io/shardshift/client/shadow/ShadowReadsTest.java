package io.shardshift.client.shadow;

import io.shardshift.client.RoutingLayout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShadowReadsTest {
    private static final RoutingLayout LAYOUT = new RoutingLayout(2, "tenant_id", 2, List.of("pg_a", "pg_b"),
            Map.of("acme", "pg_b"));

    private final List<ShadowRecord> published = new CopyOnWriteArrayList<>();
    private final AtomicReference<OptionalLong> pending = new AtomicReference<>(OptionalLong.of(2));

    private ShadowReads shadow(ShadowReads.Options options) {
        return new ShadowReads(pending::get, g -> LAYOUT, published::add, options, () -> 1000L).withRandom(() -> 0.0);
    }

    private static List<Map<String, Object>> rows(Object total) {
        return List.of(Map.of("id", 42, "total", total));
    }

    @Test
    void shouldRouteByThePendingLayoutAndPublishAgreement() throws Exception {
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1))) {
            AtomicReference<String> readTarget = new AtomicReference<>();
            var answer = s.rowsByKey("public.orders", "acme", "id=42", () -> rows(10), t -> {
                readTarget.set(t);
                return rows(10L);
            });
            assertThat(answer).isEqualTo(rows(10));
            assertThat(s.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(readTarget.get()).isEqualTo("pg_b");
            assertThat(published).singleElement().satisfies(r -> {
                assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.AGREE);
                assertThat(r.target()).isEqualTo("pg_b");
                assertThat(r.generation()).isEqualTo(2);
                assertThat(r.table()).isEqualTo("public.orders");
            });
        }
    }

    @Test
    void shouldPublishBothAnswersOfAMismatchThatPersistsWhenReadAgain() throws Exception {
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1).withRecheckAfter(Duration.ofMillis(50)))) {
            s.rowsByKey("public.orders", "x", "id=42", () -> rows(10), t -> rows(99));
            s.awaitIdle(Duration.ofSeconds(5));
            assertThat(published).singleElement().satisfies(r -> {
                assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.MISMATCH);
                assertThat(r.oldAnswer()).contains("\"10\"");
                assertThat(r.newAnswer()).contains("\"99\"");
                assertThat(r.detail()).contains("also when read again 50 ms later");
            });
            assertThat(s.stats().mismatched()).isEqualTo(1);
        }
    }

    @Test
    void shouldExplainByLagADifferenceThatIsGoneWhenReadAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger newReads = new java.util.concurrent.atomic.AtomicInteger();
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1).withRecheckAfter(Duration.ofMillis(50)))) {
            s.rowsByKey("public.orders", "x", "id=42", () -> rows(10),
                    t -> newReads.incrementAndGet() == 1 ? rows(9) : rows(10));
            assertThat(s.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(published).singleElement().satisfies(r -> {
                assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.EXPLAINED_BY_LAG);
                assertThat(r.detail()).contains("row 1 differs").contains("equal when read again 50 ms later");
            });
            assertThat(s.stats().mismatched()).isZero();
        }
    }

    @Test
    void shouldPublishAPendingRecheckBeforeClosing() throws Exception {
        ShadowReads s = shadow(ShadowReads.Options.sampling(1).withRecheckAfter(Duration.ofMillis(300)));
        s.rowsByKey("public.orders", "x", "id=42", () -> rows(10), t -> rows(99));
        s.close();
        assertThat(published).singleElement().satisfies(r -> assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.MISMATCH));
    }

    @Test
    void shouldReportAFailingNewReadAsErrorAndStillAnswerTheApplication() throws Exception {
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1))) {
            var answer = s.rows("public.orders", "select 1", false, () -> rows(1), () -> {
                throw new IllegalStateException("target down");
            });
            assertThat(answer).isEqualTo(rows(1));
            s.awaitIdle(Duration.ofSeconds(5));
            assertThat(published).singleElement().satisfies(r -> {
                assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.ERROR);
                assertThat(r.detail()).contains("target down");
            });
        }
    }

    @Test
    void shouldPassTheOldReadsFailureThroughWithoutShadowing() {
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1))) {
            assertThatThrownBy(() -> s.rows("t", "q", false, () -> {
                throw new java.sql.SQLException("boom");
            }, () -> rows(1))).hasMessage("boom");
            assertThat(s.stats().sampled()).isZero();
        }
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullWithoutBlockingTheReader() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ShadowReads s = shadow(ShadowReads.Options.sampling(1).withThreads(1).withQueueCapacity(1)
                .withRecheckAfter(Duration.ZERO))) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                s.rows("t", "q" + i, false, () -> rows(1), () -> {
                    release.await(10, TimeUnit.SECONDS);
                    return rows(1);
                });
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
            assertThat(s.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(s.stats().dropped()).isEqualTo(3);
            assertThat(published).hasSize(2);
        }
    }

    @Test
    void shouldSampleOnlyTheGivenFractionAndSkipWhenNothingIsPending() throws Exception {
        try (ShadowReads s = new ShadowReads(pending::get, g -> LAYOUT, published::add,
                ShadowReads.Options.sampling(0.25), () -> 1L)) {
            double[] dice = {0.1, 0.3, 0.5, 0.9};
            int[] i = {0};
            s.withRandom(() -> dice[i[0]++ % 4]);
            for (int n = 0; n < 8; n++) {
                s.search("orders", "q", () -> new Answers.SearchAnswer(1, List.of("a")),
                        () -> new Answers.SearchAnswer(1, List.of("a")));
            }
            s.awaitIdle(Duration.ofSeconds(5));
            assertThat(published).hasSize(2);
            pending.set(OptionalLong.empty());
            i[0] = 0;
            s.search("orders", "q", () -> new Answers.SearchAnswer(1, List.of("a")),
                    () -> new Answers.SearchAnswer(1, List.of("a")));
            assertThat(s.stats().notPending()).isEqualTo(1);
            assertThat(published).hasSize(2);
        }
    }
}
