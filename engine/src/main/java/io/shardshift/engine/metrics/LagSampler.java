package io.shardshift.engine.metrics;

import io.shardshift.core.spec.Secrets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Takes a {@link LagSample} at a fixed interval on one background thread and keeps the latest one and a
 * {@link LagHistory}. Readers (Prometheus scrapes, the status API, the dashboard) read the kept figures and
 * never query the source or Kafka themselves, however often they ask.
 *
 * <p>A failed reading (the source briefly unreachable, say) is logged once per distinct message and the last
 * good sample stays current; {@link #error()} tells why.
 */
public final class LagSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagSampler.class);

    /** Takes one sample; may block for a few seconds on the source or Kafka. */
    @FunctionalInterface
    public interface Source {
        LagSample sample() throws Exception;
    }

    private final Source source;
    private final LagHistory history;
    private final List<Consumer<LagSample>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor;
    private volatile LagSample latest = LagSample.empty(System.currentTimeMillis());
    private volatile String error;

    private LagSampler(Source source, int historySize) {
        this.source = Objects.requireNonNull(source, "source");
        this.history = new LagHistory(historySize);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardshift-lag-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts sampling now and then every {@code interval}.
     *
     * @param historySize the number of samples kept for the charts
     */
    public static LagSampler start(Source source, Duration interval, int historySize) {
        LagSampler sampler = new LagSampler(source, historySize);
        sampler.executor.scheduleWithFixedDelay(sampler::sampleNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    /** Calls the listener with every new sample, on the sampling thread. */
    public void addListener(Consumer<LagSample> listener) {
        listeners.add(listener);
    }

    void sampleNow() {
        try {
            LagSample sample = source.sample();
            latest = sample;
            history.add(sample);
            error = null;
            listeners.forEach(l -> l.accept(sample));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String message = Secrets.maskCredentials(e.getClass().getSimpleName() + ": " + e.getMessage());
            if (!message.equals(error)) {
                LOG.warn("cannot sample the migration's lag (keeping the last sample): {}", message);
            }
            error = message;
        }
    }

    /** The latest good sample (an empty one before the first). */
    public LagSample latest() {
        return latest;
    }

    /** Why the latest attempt failed, if it did. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The kept samples. */
    public LagHistory history() {
        return history;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
