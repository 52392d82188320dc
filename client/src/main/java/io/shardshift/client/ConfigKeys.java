package io.shardshift.client;

/**
 * The record keys of a migration's config topic ({@code <prefix>.config}, compacted, one partition). Every
 * value is a UTF-8 JSON object; a null value (tombstone) removes the key. See {@code docs/config-topic.md}.
 */
public final class ConfigKeys {
    /** Which layout is live: {@code {"generation":2,"previous":1,"reason":"cutover c-1","atMillis":...}}. */
    public static final String ROUTING_GENERATION = "routing.generation";
    /** Prefix of a layout's key: {@code routing.layout.2} holds generation 2's layout ({@link RoutingLayout}). */
    public static final String ROUTING_LAYOUT_PREFIX = "routing.layout.";
    /** The write freeze: {@code {"frozen":true,"reason":"cutover c-1","atMillis":...}}. */
    public static final String WRITES_FROZEN = "writes.frozen";
    /**
     * The state of a search rebalance: {@code {"alias":"orders","collection":"orders","new_collection":"orders_v3",
     * "dual_write":true,"state":"filling|cut-over|rolled-back","rebalance":"orders_search_1","atMillis":..}}. With
     * {@code dual_write} true and state {@code filling}, applications that index documents themselves write both
     * the alias' collection and {@code new_collection} until cutover; the migrator fills the new one either way.
     */
    public static final String SEARCH_REBALANCE_CUTOVER = "search.rebalance.cutover";
    /**
     * Prefix of the key that keeps, per search alias, the collection it pointed to before the migration's cutover
     * moved it: {@code search.alias.previous.orders} holds {@code {"alias":"orders","collection":"orders_v1",
     * "generation":2,"atMillis":..}}, so a rollback swaps the alias back even after the migrator restarted.
     */
    public static final String SEARCH_ALIAS_PREVIOUS_PREFIX = "search.alias.previous.";
    /**
     * The first format of the stream route ({@code {"topic":..,"partitions":..,"generation":..}}, one topic per
     * config topic); still read when {@link #streamRouteKey(String)} is absent. New routes are published per topic.
     */
    public static final String STREAM_PARTITION_ROUTE = "stream.partition.route";
    /**
     * Prefix of a keyed topic's route: {@code stream.partition.route.<topic>} holds
     * {@link StreamRoute} (live route old|new, both counts, generation, producer freeze,
     * the fences of every flip).
     */
    public static final String STREAM_ROUTE_PREFIX = STREAM_PARTITION_ROUTE + ".";
    /**
     * Where a rehomed tenant lives: {@code {"tenant":..,"from":"source","to":<target>,"rolledBack":false,
     * "rebalance":..,"atMillis":..}}, after each completed cutover ({@code rolledBack} false) and rollback (true).
     */
    public static final String DB_REHOME_ROLLBACK = "db.rehome.rollback";

    /** The target name a published layout uses for the source database (before a cutover, or after a rollback). */
    public static final String SOURCE_TARGET = "source";

    /**
     * SQLSTATE of a write that the old layout rejects because its rows moved (after a cutover on the source, after a
     * rollback on a target): the application reads the config topic again and retries where the live layout says.
     */
    public static final String MOVED_SQLSTATE = "55000";

    private ConfigKeys() {
    }

    /** The config topic of a migration's topic prefix, e.g. {@code shardshift.orders.config}. */
    public static String topic(String topicPrefix) {
        return topicPrefix + ".config";
    }

    /** The key of a keyed topic's route, e.g. {@code stream.partition.route.orders-events}. */
    public static String streamRouteKey(String topic) {
        return STREAM_ROUTE_PREFIX + topic;
    }

    /** The key of a generation's layout. */
    public static String layoutKey(long generation) {
        return ROUTING_LAYOUT_PREFIX + generation;
    }
}
