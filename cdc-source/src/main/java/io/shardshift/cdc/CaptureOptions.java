package io.shardshift.cdc;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tuning and hooks of a {@link ChangeCapture}.
 *
 * @param heartbeatInterval   how often Debezium emits a heartbeat (keeps the slot advancing on idle
 *                            tables); {@code heartbeat.interval.ms}
 * @param offsetFlushInterval how often processed positions are stored in the offsets topic and confirmed
 *                            to the slot; {@code offset.flush.interval.ms}
 * @param onFailure           called once, from the engine's thread, when capture stops on an error
 * @param debeziumOverrides   extra Debezium properties, applied last (for tests and experts)
 */
public record CaptureOptions(Duration heartbeatInterval, Duration offsetFlushInterval,
                             Consumer<Throwable> onFailure, Map<String, String> debeziumOverrides) {

    public CaptureOptions {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(offsetFlushInterval, "offsetFlushInterval");
        onFailure = onFailure == null ? error -> { } : onFailure;
        debeziumOverrides = debeziumOverrides == null ? Map.of() : Map.copyOf(debeziumOverrides);
    }

    /** Heartbeat every second, offsets flushed every second, no failure hook. */
    public static CaptureOptions defaults() {
        return new CaptureOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), null, null);
    }

    /** These options with a failure hook. */
    public CaptureOptions withOnFailure(Consumer<Throwable> hook) {
        return new CaptureOptions(heartbeatInterval, offsetFlushInterval, hook, debeziumOverrides);
    }

    /** These options with another heartbeat interval. */
    public CaptureOptions withHeartbeatInterval(Duration interval) {
        return new CaptureOptions(interval, offsetFlushInterval, onFailure, debeziumOverrides);
    }
}
