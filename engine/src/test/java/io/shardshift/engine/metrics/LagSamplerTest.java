package io.shardshift.engine.metrics;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LagSamplerTest {

    @Test
    void shouldSampleInTheBackgroundAndKeepHistory() {
        AtomicInteger calls = new AtomicInteger();
        try (LagSampler sampler = LagSampler.start(() -> Samples.at(calls.incrementAndGet(), 0), Duration.ofMillis(10), 5)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sampler.history().size() == 5);
            assertThat(sampler.latest().takenAtMillis()).isGreaterThanOrEqualTo(5);
            assertThat(sampler.error()).isEmpty();
        }
    }

    @Test
    void shouldKeepTheLastGoodSampleAndTellWhyWhenSamplingFails() {
        AtomicInteger calls = new AtomicInteger();
        LagSampler.Source flaky = () -> {
            if (calls.incrementAndGet() > 1) {
                throw new SQLException("connection refused");
            }
            return Samples.at(42, 0);
        };
        try (LagSampler sampler = LagSampler.start(flaky, Duration.ofMillis(10), 5)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sampler.error().isPresent());
            assertThat(sampler.latest().takenAtMillis()).isEqualTo(42);
            assertThat(sampler.error()).hasValueSatisfying(e -> assertThat(e).contains("connection refused"));
        }
    }

    @Test
    void shouldMaskCredentialsInTheSamplingErrorAndTheStatus() {
        LagSampler.Source failing = () -> {
            throw new SQLException("cannot reach jdbc:postgresql://app:hunter2@db:5432/app?password=hunter2");
        };
        try (LagSampler sampler = LagSampler.start(failing, Duration.ofMillis(10), 5)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sampler.error().isPresent());
            assertThat(sampler.error().get()).doesNotContain("hunter2").contains("jdbc:postgresql://app:******@db:5432/app");
        }
        MigrationStatus status = new MigrationStatus("demo", MigrationStatus.FAILED,
                "SQLException: jdbc:postgresql://db/app?user=app&password=hunter2 refused", null, "user:hunter2@ nope");
        assertThat(status.failure()).doesNotContain("hunter2").contains("password=******");
    }
}
