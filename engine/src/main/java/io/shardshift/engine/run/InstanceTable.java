package io.shardshift.engine.run;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instances of a migration as read from {@code <prefix>.instances}: the latest heartbeat per id, an id gone
 * on its tombstone (a clean close), and an id silent for longer than {@link InstanceInfo#DROPPED_AFTER} no longer
 * listed. Thread-safe: the registry's reader thread writes, status readers list.
 */
final class InstanceTable {
    private final Map<String, InstanceInfo> byId = new ConcurrentHashMap<>();

    /** Applies one record of the topic: a heartbeat, or a tombstone ({@code json == null}). */
    void apply(String id, String json) {
        if (json == null) {
            byId.remove(id);
            return;
        }
        InstanceInfo info = InstanceInfo.fromJson(json);
        byId.merge(info.id(), info, (old, now) -> now.lastSeenMillis() >= old.lastSeenMillis() ? now : old);
    }

    /** Every instance heard from within {@link InstanceInfo#DROPPED_AFTER} of {@code nowMillis}, by id. */
    List<InstanceInfo> list(long nowMillis) {
        byId.values().removeIf(i -> nowMillis - i.lastSeenMillis() > InstanceInfo.DROPPED_AFTER.toMillis());
        return byId.values().stream().sorted(Comparator.comparing(InstanceInfo::id)).toList();
    }
}
