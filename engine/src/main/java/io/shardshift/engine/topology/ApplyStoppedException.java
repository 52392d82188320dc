package io.shardshift.engine.topology;

import io.shardshift.core.sink.SinkException;

/**
 * Apply was stopped while it waited for a target: the batch was not written and its offsets are not
 * committed, so the next run reads it again. Not a failure of the migration.
 */
public final class ApplyStoppedException extends SinkException {
    public ApplyStoppedException(String message) {
        super(message);
    }
}
