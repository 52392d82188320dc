package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which target(s) of the new layout a change event goes to. Pure: no I/O, no state.
 *
 * <ul>
 *   <li>READ, CREATE: the target of {@code after[shardKey]}.</li>
 *   <li>UPDATE: the target of {@code after[shardKey]}; when the old value of the shard key is known and
 *       routes elsewhere (the shard key changed), also a DELETE of the key, carrying the {@code before}
 *       image and the same position, to the old target. The delete comes first.</li>
 *   <li>DELETE: the target of {@code before[shardKey]}, falling back to the key.</li>
 *   <li>TRUNCATE: every target of the layout (each removes the table's rows older than the truncate).</li>
 * </ul>
 *
 * <p>Besides its layout target, every event of a table also goes, unchanged, to each search target that
 * indexes the table (a search target routes inside Solr by document id). Without a layout (a search-only
 * migration), events go to the search targets alone.
 *
 * <p>A tenant-scoped migration moves only the rows whose shard key value is one of its tenants. Then an
 * event whose new shard key value is moved routes as above; an UPDATE that takes a row out of the moved
 * tenants (old value moved, new value not) becomes a DELETE of the key, carrying the {@code before} image
 * and the same position, to the old target (and the search targets) only; a DELETE routes when its old
 * value is moved; every other event is dropped (it concerns rows that stay on the source). A TRUNCATE is not
 * routable then (its targets may hold other tenants' rows): it goes to the dead-letter topic and blocks
 * cutover.
 *
 * <p>Events of one primary key share a Kafka key, hence one partition and one task, and the task handles
 * them one after another; so per key, each target sees its events in source order.
 */
public final class Router {
    private final Layout layout;
    private final Map<TableId, String> shardKeys;
    private final Map<TableId, List<String>> searchTargets;
    private final Set<String> tenants;

    /**
     * @param layout    the new layout
     * @param shardKeys the shard key column of each table this router accepts
     */
    public Router(Layout layout, Map<TableId, String> shardKeys) {
        this(layout, shardKeys, Map.of());
    }

    /**
     * @param layout        the new layout, or {@code null} when events go to the search targets only
     * @param shardKeys     the shard key column of each table this router accepts
     * @param searchTargets the search targets of each table (tables without any may be absent)
     */
    public Router(Layout layout, Map<TableId, String> shardKeys, Map<TableId, List<String>> searchTargets) {
        this(layout, shardKeys, searchTargets, Set.of());
    }

    /**
     * @param layout        the new layout, or {@code null} when events go to the search targets only
     * @param shardKeys     the shard key column of each table this router accepts
     * @param searchTargets the search targets of each table (tables without any may be absent)
     * @param tenants       the shard key values (text forms) whose rows move; empty when every row moves
     */
    public Router(Layout layout, Map<TableId, String> shardKeys, Map<TableId, List<String>> searchTargets,
                  Collection<String> tenants) {
        this.layout = layout;
        this.shardKeys = Map.copyOf(shardKeys);
        this.searchTargets = Map.copyOf(searchTargets);
        this.tenants = Set.copyOf(tenants);
    }

    /**
     * Routes one event.
     *
     * @return the events to apply, each with its target: one, or two for a shard key change, plus one per
     *         search target of the table; none for an event of a row a tenant-scoped migration does not move
     * @throws IllegalArgumentException naming the table and position when the event cannot be routed: an
     *                                  unknown table, a TRUNCATE in a tenant-scoped migration, or no value for
     *                                  the shard key column
     */
    public List<RoutedEvent> route(ChangeEvent event) {
        ChangeEvent moved = inScope(event);
        if (moved == null) {
            return List.of();
        }
        List<RoutedEvent> routed = routeByLayout(moved);
        List<String> search = searchTargets.getOrDefault(moved.table(), List.of());
        if (search.isEmpty()) {
            return routed;
        }
        List<RoutedEvent> all = new java.util.ArrayList<>(routed);
        search.forEach(target -> all.add(new RoutedEvent(target, moved)));
        return all;
    }

    /** Whether the router moves only some tenants' rows. */
    public boolean tenantScoped() {
        return !tenants.isEmpty();
    }

    /**
     * The event as the tenant filter lets it through: itself, a DELETE of the old row when an UPDATE takes
     * the row out of the moved tenants, or {@code null} when it concerns no moved row.
     */
    private ChangeEvent inScope(ChangeEvent event) {
        String shardKey = shardKeyOf(event);
        if (tenants.isEmpty()) {
            return event;
        }
        if (event.op() == Operation.TRUNCATE) {
            throw new IllegalArgumentException("cannot apply TRUNCATE of " + event.table() + " at " + event.position()
                    + ": a tenant-scoped migration's targets hold other tenants' rows; make the targets match the"
                    + " source by hand, then restart the migration");
        }
        return switch (event.op()) {
            case READ, CREATE -> moves(newValueOf(event, shardKey)) ? event : null;
            case UPDATE -> {
                if (moves(newValueOf(event, shardKey))) {
                    yield event;
                }
                if (!event.hasBeforeValue(shardKey) || !moves(event.beforeValueOf(shardKey))) {
                    yield null;
                }
                Map<String, String> oldRow = event.before() != null ? event.before() : event.key();
                yield ChangeEvent.delete(event.table(), event.key(), oldRow, event.position());
            }
            case DELETE -> {
                if (!event.hasBeforeValue(shardKey)) {
                    yield event;
                }
                yield moves(event.beforeValueOf(shardKey)) ? event : null;
            }
            case TRUNCATE -> throw new IllegalStateException("unreachable");
        };
    }

    private boolean moves(String shardKeyValue) {
        return shardKeyValue != null && tenants.contains(shardKeyValue);
    }

    private static String newValueOf(ChangeEvent event, String shardKey) {
        if (event.after() != null && event.after().containsKey(shardKey)) {
            return event.after().get(shardKey);
        }
        if (event.key().containsKey(shardKey)) {
            return event.key().get(shardKey);
        }
        throw new IllegalArgumentException(event.op() + " of " + event.table() + " key " + event.key() + " at "
                + event.position() + " is not routable: the 'after' image has no shard key column '" + shardKey + "'");
    }

    private List<RoutedEvent> routeByLayout(ChangeEvent event) {
        String shardKey = shardKeyOf(event);
        Operation op = event.op();
        if (layout == null) {
            return List.of();
        }
        return switch (op) {
            case READ, CREATE -> List.of(new RoutedEvent(targetOf(event, shardKey, event.after(), "after"), event));
            case UPDATE -> routeUpdate(event, shardKey);
            case DELETE -> List.of(new RoutedEvent(oldTargetOf(event, shardKey), event));
            case TRUNCATE -> layout.targets().stream().sorted().map(t -> new RoutedEvent(t, event)).toList();
        };
    }

    /** The shard key column of the event's table. */
    public String shardKeyOf(ChangeEvent event) {
        String column = shardKeys.get(event.table());
        if (column == null) {
            throw new IllegalArgumentException("event for table " + event.table() + " at " + event.position()
                    + " is not routable: the table is not in the migration (known: " + shardKeys.keySet() + ")");
        }
        return column;
    }

    private List<RoutedEvent> routeUpdate(ChangeEvent event, String shardKey) {
        String newTarget = targetOf(event, shardKey, event.after(), "after");
        if (!event.hasBeforeValue(shardKey)) {
            return List.of(new RoutedEvent(newTarget, event));
        }
        String oldTarget = layout.targetFor(event.beforeValueOf(shardKey));
        if (oldTarget.equals(newTarget)) {
            return List.of(new RoutedEvent(newTarget, event));
        }
        Map<String, String> oldRow = event.before() != null ? event.before() : event.key();
        ChangeEvent deleteOld = ChangeEvent.delete(event.table(), event.key(), oldRow, event.position());
        return List.of(new RoutedEvent(oldTarget, deleteOld), new RoutedEvent(newTarget, event));
    }

    private String targetOf(ChangeEvent event, String shardKey, Map<String, String> image, String imageName) {
        if (image.containsKey(shardKey)) {
            return layout.targetFor(image.get(shardKey));
        }
        if (event.key().containsKey(shardKey)) {
            return layout.targetFor(event.key().get(shardKey));
        }
        throw new IllegalArgumentException(event.op() + " of " + event.table() + " key " + event.key() + " at "
                + event.position() + " is not routable: the '" + imageName + "' image has no shard key column '"
                + shardKey + "'");
    }

    private String oldTargetOf(ChangeEvent event, String shardKey) {
        if (!event.hasBeforeValue(shardKey)) {
            throw new IllegalArgumentException("DELETE of " + event.table() + " key " + event.key() + " at "
                    + event.position() + " is not routable: neither the 'before' image nor the key has the shard key"
                    + " column '" + shardKey + "' (is the table's REPLICA IDENTITY FULL?)");
        }
        return layout.targetFor(event.beforeValueOf(shardKey));
    }
}
