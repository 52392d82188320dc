package io.shardshift.core.sink;

/**
 * A target cannot be reached: it is down, refuses or drops connections, or does not answer in time (a network
 * stall). Unlike other {@link SinkException}s this is an outage, not a fault of the data or the setup: the
 * caller waits and tries the same batch again (sinks are idempotent), within an {@link OutagePolicy}.
 */
public class TargetUnavailableException extends SinkException {
    private final String target;

    /**
     * @param target  the target's name in the spec
     * @param message one line naming the target (URL without credentials) and the error
     */
    public TargetUnavailableException(String target, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
    }

    /** The target's name in the spec. */
    public String target() {
        return target;
    }
}
