package io.shardshift.engine.topology.internal;

import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;

/** Builds a {@link PendingWritesStore}, one per task; caching and logging do not apply to it. */
public final class PendingWritesStoreBuilder implements StoreBuilder<PendingWritesStore> {
    private final String name;

    public PendingWritesStoreBuilder(String name) {
        this.name = name;
    }

    @Override
    public StoreBuilder<PendingWritesStore> withCachingEnabled() {
        throw new UnsupportedOperationException("store " + name + " holds no data and cannot be cached");
    }

    @Override
    public StoreBuilder<PendingWritesStore> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<PendingWritesStore> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("store " + name + " holds no data and has no changelog");
    }

    @Override
    public StoreBuilder<PendingWritesStore> withLoggingDisabled() {
        return this;
    }

    @Override
    public PendingWritesStore build() {
        return new PendingWritesStore(name);
    }

    @Override
    public Map<String, String> logConfig() {
        return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
        return false;
    }

    @Override
    public String name() {
        return name;
    }
}
