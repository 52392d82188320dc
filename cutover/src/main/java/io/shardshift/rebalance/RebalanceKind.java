package io.shardshift.rebalance;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a rebalance moves: a whole migration, one search collection, one tenant's rows, or one topic's keys. */
public enum RebalanceKind {
    /** The migration {@code shardshift migrate} started: every table to the spec's layout. */
    MIGRATE,
    /** A search collection re-indexed into a new versioned collection with another routing column. */
    SEARCH,
    /** One tenant's rows rehomed to another PostgreSQL instance. */
    DB,
    /** A keyed Kafka topic expanded in place to a multiple of its partitions, producers' route flipped. */
    STREAM;

    /** The name in the API: {@code migrate}, {@code search}, {@code db} or {@code stream}. */
    @JsonValue
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
