package io.shardshift.verify;

/** A verification step failed on a database; the message names the database, table and step. */
public final class VerifyException extends RuntimeException {
    public VerifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
