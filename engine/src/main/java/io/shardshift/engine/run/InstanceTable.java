package io.shardshift.engine.run;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instances of a migration as read from {@code <prefix>.instances}: the latest heartbeat per id, an id gone
 * on its tombstone (a clean close), and an id silent for longer than {@link InstanceInfo#DROPPED_AFTER} no longer
 * listed. "Last seen" is when this reader read the heartbeat (its own clock), so hosts whose clocks differ never
 * see each other as lost; a heartbeat read while catching up on the topic at start counts as seen then, so a
 * process that died before shows as lost {@link InstanceInfo#LOST_AFTER} later.
 * Thread-safe: the registry's reader thread writes, status readers list.
 */
final class InstanceTable {
    private final Map<String, InstanceInfo> byId = new ConcurrentHashMap<>();
    private final java.util.Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Applies one record of the topic read at {@code nowMillis}: a heartbeat, or a tombstone ({@code json == null}). */
    void apply(String id, String json, long nowMillis) {
        if (json == null) {
            byId.remove(id);
            return;
        }
        InstanceInfo info = InstanceInfo.fromJson(json);
        byId.put(info.id(), info.seen(nowMillis, info.holds()));
    }

    /**
     * The instances that became {@linkplain InstanceInfo#LOST lost} since the last call (each once per silence; one
     * heard from again and lost again is returned again).
     */
    List<InstanceInfo> newlyLost(long nowMillis) {
        List<InstanceInfo> out = new java.util.ArrayList<>();
        byId.values().forEach(i -> {
            if (InstanceInfo.LOST.equals(i.state(nowMillis))) {
                if (reported.add(i.id() + "@" + i.lastSeenMillis())) {
                    out.add(i);
                }
            }
        });
        reported.removeIf(r -> !byId.containsKey(r.substring(0, r.lastIndexOf('@'))));
        return out;
    }

    /** Every instance heard from within {@link InstanceInfo#DROPPED_AFTER} of {@code nowMillis}, by id. */
    List<InstanceInfo> list(long nowMillis) {
        byId.values().removeIf(i -> nowMillis - i.lastSeenMillis() > InstanceInfo.DROPPED_AFTER.toMillis());
        return byId.values().stream().sorted(Comparator.comparing(InstanceInfo::id)).toList();
    }
}
