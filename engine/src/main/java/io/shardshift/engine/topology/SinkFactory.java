package io.shardshift.engine.topology;

import io.shardshift.core.sink.ChangeSink;

/**
 * Opens the sink of a target. The apply topology opens one sink per stream task per target, on first
 * use, and closes it when the task closes; so an implementation must allow several open sinks of one
 * target at once, one per task, each used by a single thread.
 */
@FunctionalInterface
public interface SinkFactory {

    /**
     * Opens a sink for the target.
     *
     * @param targetName the target's name in the layout
     * @throws io.shardshift.core.sink.SinkException when the target cannot be reached
     */
    ChangeSink open(String targetName);
}
