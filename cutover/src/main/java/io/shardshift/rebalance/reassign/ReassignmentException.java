package io.shardshift.rebalance.reassign;

/** A reassignment could not be read, started or finished; the message says which partitions and why. */
public class ReassignmentException extends RuntimeException {
    public ReassignmentException(String message) {
        super(message);
    }

    public ReassignmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
