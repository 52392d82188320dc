package io.shardshift.tools.chaos;

import java.util.Arrays;
import java.util.Locale;

/** The faults of the chaos suite, one per scenario, each injected into a migration under a live write load. */
enum Scenario {
    /** {@code kill -9} of the migrator at a seeded point (backfill, streaming, a step of the cutover or rollback), then a restart. */
    KILL("kill"),
    /** The first target PostgreSQL stopped for the outage and started again on its data. */
    TARGET_OUTAGE("target-outage"),
    /** The first target PostgreSQL restarted at once, its data intact. */
    TARGET_RESTART("target-restart"),
    /** The source PostgreSQL restarted while streaming (capture reconnects) and after the cutover (reverse replication reconnects). */
    SOURCE_RESTART("source-restart"),
    /** The Kafka broker restarted on its log directory while streaming. */
    KAFKA_RESTART("kafka-restart"),
    /** One SolrCloud node stopped for the outage and started again. */
    SOLR_NODE("solr-node"),
    /** The migrator suspended ({@code SIGSTOP}) during the cutover's freeze for the hang, then resumed ({@code SIGCONT}). */
    HUNG_HOST("hung-host"),
    /** The network between the migrator and the first target stalled (a proxy stops forwarding) for the outage. */
    NETWORK_STALL("network-stall"),
    /** The first target restored from an older copy of itself, then refilled by {@code migrate --rebackfill} and {@code verify --repair}. */
    TARGET_RESTORE("target-restore");

    private final String wireName;

    Scenario(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** The scenario named {@code name} (its wire name); throws naming the known ones. */
    static Scenario named(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name + "'; known: all, "
                        + String.join(", ", Arrays.stream(values()).map(Scenario::wireName).toList())));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
