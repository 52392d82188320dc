package io.shardshift.client.shadow;

/** Where agreement records go: {@link KafkaShadowSink} in production. */
@FunctionalInterface
public interface ShadowSink extends AutoCloseable {
    /** Publishes one record; must not block for long (the Kafka sink sends asynchronously). */
    void publish(ShadowRecord record);

    @Override
    default void close() {
    }
}
