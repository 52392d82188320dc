package io.shardshift.engine.topology;

/**
 * Sends records that cannot be applied to the migration's dead-letter topic. {@link #publish} returns
 * only once the record is durable: the apply topology calls it before the original record's offset may
 * be committed, so a dead letter is never lost. A record replayed after a crash (its offset was not yet
 * committed) may be dead-lettered twice. A dead letter blocks cutover until someone deals with it.
 */
public interface DeadLetterPublisher extends AutoCloseable {

    /**
     * Publishes a dead letter and waits until it is stored.
     *
     * @throws DeadLetterException when it cannot be stored; the apply task then stops rather than skip it
     */
    void publish(DeadLetter letter);

    /** How many dead letters this publisher has stored. */
    long published();

    @Override
    default void close() {
    }
}
