package io.shardshift.rebalance;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a rebalance moves: a whole migration, one search collection, or one tenant's rows. */
public enum RebalanceKind {
    /** The migration {@code shardshift migrate} started: every table to the spec's layout. */
    MIGRATE,
    /** A search collection re-indexed into a new versioned collection with another routing column. */
    SEARCH,
    /** One tenant's rows rehomed to another PostgreSQL instance. */
    DB;

    /** The name in the API: {@code migrate}, {@code search} or {@code db}. */
    @JsonValue
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
