package io.shardshift.engine.topology;

/** A dead letter could not be stored; the apply task stops, so the record is read again on restart. */
public class DeadLetterException extends RuntimeException {
    public DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
