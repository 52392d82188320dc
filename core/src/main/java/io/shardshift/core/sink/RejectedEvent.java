package io.shardshift.core.sink;

import io.shardshift.core.event.ChangeEvent;

/**
 * An event a target rejected permanently, with the reason. The migrator sends it to the dead-letter topic
 * with its topic, partition and offset; a dead-letter record blocks cutover until dealt with.
 *
 * @param event  the event
 * @param target the target that rejected it
 * @param reason why, e.g. the database's error message with its SQLSTATE
 */
public record RejectedEvent(ChangeEvent event, String target, String reason) {
}
