package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;

import java.util.Objects;

/**
 * A change event bound for one target of the layout.
 *
 * @param target the target's name in the layout
 * @param event  the event to apply there (for a shard key change, the derived delete on the old target)
 */
public record RoutedEvent(String target, ChangeEvent event) {
    public RoutedEvent {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(event, "event");
    }
}
