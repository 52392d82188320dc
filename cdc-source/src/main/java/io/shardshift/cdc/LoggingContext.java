package io.shardshift.cdc;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The SLF4J MDC keys every log line of a migration's worker threads carries, so a failure names the
 * migration, the table, the target and the phase without each message spelling them out (the idea of
 * Debezium's {@code util/LoggingContext}). The application's log pattern prints them as
 * {@code [migration=orders table=public.orders phase=backfill]}.
 *
 * <pre>{@code
 * try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name())
 *         .with(LoggingContext.PHASE, "backfill").with(LoggingContext.TABLE, table.toString())) {
 *     ...   // every log line here, and in code it calls on this thread, names migration, table and phase
 * }         // the thread's previous MDC is back
 * }</pre>
 *
 * <p>Lives in {@code cdc-source} because {@code core} has no logging API; {@code engine} and
 * {@code cutover} use it from here.
 */
public final class LoggingContext {
    /** The migration's name ({@code MigrationSpec.name()}). */
    public static final String MIGRATION = "migration";
    /** The source table, as {@code schema.table}. */
    public static final String TABLE = "table";
    /** The target a write goes to (a PostgreSQL target or a search target). */
    public static final String TARGET = "target";
    /** What the thread does: {@code capture}, {@code apply}, {@code backfill}, {@code cutover}, ... */
    public static final String PHASE = "phase";

    private LoggingContext() {
    }

    /** Sets {@link #MIGRATION} on this thread until the returned scope is closed. */
    public static Scope forMigration(String migration) {
        return new Scope(MDC.getCopyOfContextMap()).with(MIGRATION, migration);
    }

    /** Sets one key on this thread, keeping the others, until the returned scope is closed. */
    public static Scope with(String key, String value) {
        return new Scope(MDC.getCopyOfContextMap()).with(key, value);
    }

    /** Wraps a task so that it runs with the MDC the calling thread has now (for executors and new threads). */
    public static Runnable propagate(Runnable task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            try (Scope ignored = new Scope(MDC.getCopyOfContextMap())) {
                replace(context);
                task.run();
            }
        };
    }

    /** As {@link #propagate(Runnable)}, for a task that returns a value. */
    public static <T> Callable<T> propagate(Callable<T> task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            try (Scope ignored = new Scope(MDC.getCopyOfContextMap())) {
                replace(context);
                return task.call();
            }
        };
    }

    private static void replace(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    /** Keys set on this thread; closing it puts back the MDC the thread had before. */
    public static final class Scope implements AutoCloseable {
        private final Map<String, String> previous;

        private Scope(Map<String, String> previous) {
            this.previous = previous;
        }

        /** Sets a key (removes it when {@code value} is null) until this scope is closed. */
        public Scope with(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
            return this;
        }

        @Override
        public void close() {
            replace(previous);
        }
    }
}
