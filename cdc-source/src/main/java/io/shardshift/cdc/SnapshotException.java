package io.shardshift.cdc;

/** A backfill read failed; the message names the table and the chunk (block range). */
public class SnapshotException extends RuntimeException {
    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
