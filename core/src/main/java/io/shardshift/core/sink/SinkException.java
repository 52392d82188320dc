package io.shardshift.core.sink;

/** A target failed in a way retries did not fix; the migrator stops rather than skip data. */
public class SinkException extends RuntimeException {
    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }

    public SinkException(String message) {
        super(message);
    }
}
