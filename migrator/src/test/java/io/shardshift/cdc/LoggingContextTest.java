package io.shardshift.cdc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs in migrator, whose log4j2 binding keeps an MDC (slf4j-simple in cdc-source's tests keeps none). */
class LoggingContextTest {
    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void shouldRestoreThePreviousContextWhenTheScopeCloses() {
        MDC.put(LoggingContext.PHASE, "cutover");
        try (LoggingContext.Scope ignored = LoggingContext.forMigration("orders")
                .with(LoggingContext.PHASE, "backfill").with(LoggingContext.TABLE, "public.orders")) {
            assertThat(MDC.get(LoggingContext.MIGRATION)).isEqualTo("orders");
            assertThat(MDC.get(LoggingContext.TABLE)).isEqualTo("public.orders");
            assertThat(MDC.get(LoggingContext.PHASE)).isEqualTo("backfill");
        }
        assertThat(MDC.get(LoggingContext.MIGRATION)).isNull();
        assertThat(MDC.get(LoggingContext.TABLE)).isNull();
        assertThat(MDC.get(LoggingContext.PHASE)).isEqualTo("cutover");
    }

    @Test
    void shouldRunAPropagatedTaskWithTheSubmittersContextAndLeaveThePoolThreadClean() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Callable<String> task;
            try (LoggingContext.Scope ignored = LoggingContext.forMigration("orders").with(LoggingContext.TARGET, "pg_a")) {
                task = LoggingContext.propagate(() -> MDC.get(LoggingContext.MIGRATION) + "/" + MDC.get(LoggingContext.TARGET));
            }
            assertThat(pool.submit(task).get()).isEqualTo("orders/pg_a");
            assertThat(pool.submit(() -> MDC.get(LoggingContext.MIGRATION)).get()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }
}
