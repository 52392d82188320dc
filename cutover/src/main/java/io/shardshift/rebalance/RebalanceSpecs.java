package io.shardshift.rebalance;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.KafkaSpec;
import io.shardshift.core.spec.LayoutSpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SourceSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.SpecValidator;
import io.shardshift.core.spec.TableSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Derives the spec of a rebalance from the base spec (the one {@code shardshift serve} or {@code shardshift
 * migrate} was started with). A derived spec has its own name ({@code <base>_rehome_<n>},
 * {@code <base>_search_<n>}), so its own replication slot, publication, topics and consumer group; every
 * other section comes from the base spec. Bad input is an {@link RebalanceException.InvalidRequest} naming the request field.
 */
public final class RebalanceSpecs {
    /** The longest migration name the validator accepts. */
    static final int MAX_NAME = 40;

    private RebalanceSpecs() {
    }

    /**
     * The name of the {@code n}th rebalance: {@code <base>_<kind>_<n>}, the base cut short so the whole
     * stays within 40 characters and a valid migration name.
     */
    public static String derivedName(String base, String kind, long n) {
        String suffix = "_" + kind + "_" + n;
        String stem = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (stem.isEmpty() || !Character.isLetter(stem.charAt(0))) {
            stem = "r" + stem;
        }
        int room = Math.max(1, MAX_NAME - suffix.length());
        return (stem.length() > room ? stem.substring(0, room) : stem) + suffix;
    }

    /**
     * A tenant rehome: the base spec's source, tables, Kafka, apply and cutover settings; the one target
     * {@code targetInstance}; a one-bucket layout on it (generation = base generation + n, the base shard
     * key); {@code tenants = [tenant]}, so only that tenant's rows move.
     *
     * @throws RebalanceException invalid, naming {@code tenant} or {@code target_instance}
     */
    public static MigrationSpec rehome(MigrationSpec base, long n, String tenant, String targetInstance) {
        if (tenant == null || tenant.isEmpty()) {
            throw RebalanceException.invalid("'tenant' must not be empty");
        }
        if (targetInstance == null || targetInstance.isBlank()) {
            throw RebalanceException.invalid("'target_instance' must not be empty; the base spec's targets are " + targetNames(base));
        }
        TargetSpec target = base.targets().stream().filter(t -> t.name().equals(targetInstance)).findFirst()
                .orElseThrow(() -> RebalanceException.invalid("'target_instance': '" + targetInstance
                        + "' is not a target of the base spec " + base.name() + "; its targets are " + targetNames(base)));
        if (!base.hasLayout()) {
            throw RebalanceException.invalid("'target_instance': the base spec " + base.name() + " has no layout to take the shard key from");
        }
        String name = derivedName(base.name(), "rehome", n);
        long generation = (base.layout().generation() == null ? 1 : base.layout().generation()) + n;
        LayoutSpec layout = new LayoutSpec(generation, base.layout().shardKey(), 1, List.of(target.name()), null, null);
        MigrationSpec spec = new MigrationSpec(name, source(base), base.tables(), kafka(base, "rehome_" + n),
                List.of(target), layout, base.apply(), null, List.of(tenant), base.cutover(), null);
        return validated(spec, field -> field.startsWith("tenants") ? "tenant" : "target_instance");
    }

    /**
     * The {@code search} entry of the base spec whose {@code collection} (the alias) is {@code collection}.
     *
     * @throws RebalanceException not found, naming the collection
     */
    public static SearchTargetSpec searchEntry(MigrationSpec base, String collection) {
        if (collection == null || collection.isBlank()) {
            throw RebalanceException.invalid("'collection' must not be empty");
        }
        return base.searchTargets().stream().filter(s -> s.collection().equals(collection)).findFirst()
                .orElseThrow(() -> RebalanceException.notFound("'collection': no search target of the base spec " + base.name()
                        + " serves collection '" + collection + "'; its collections are "
                        + base.searchTargets().stream().map(SearchTargetSpec::collection).toList()));
    }

    /**
     * A search rebalance: a search-only spec that indexes the entry's table into collection
     * {@code <collection>_v<version>}, documents routed by {@code routing} (the compositeId prefix). Hot
     * tenants are kept only when the routing column stays the same (they are values of that column).
     *
     * @throws RebalanceException invalid, naming {@code routing}; not found, naming {@code collection}
     */
    public static MigrationSpec search(MigrationSpec base, long n, String collection, String routing, int version) {
        SearchTargetSpec entry = searchEntry(base, collection);
        if (routing == null || !SqlIdentifiers.isValid(routing)) {
            throw RebalanceException.invalid("'routing': '" + routing + "' is not a valid SQL identifier (the column"
                    + " whose value prefixes the document ids of the new collection)");
        }
        TableId table = TableId.parse(entry.table());
        boolean sameRouting = routing.equals(entry.shardKey() != null ? entry.shardKey() : base.shardKeyOf(table));
        SearchTargetSpec next = new SearchTargetSpec(entry.name(), entry.zkHost(), entry.solrUrls(), entry.collection(),
                version, entry.shards(), entry.replicas(), entry.table(), routing, entry.fields(),
                sameRouting ? entry.hotTenants() : null, entry.commitWithinMs());
        String name = derivedName(base.name(), "search", n);
        MigrationSpec spec = new MigrationSpec(name, source(base), List.of(new TableSpec(entry.table(), routing)),
                kafka(base, "search_" + n), List.of(), null, base.apply(), List.of(next), null, base.cutover(), null);
        return validated(spec, field -> field.contains("shardKey") ? "routing" : "collection");
    }

    /** Validates a derived spec; a problem is an invalid request naming the request field {@code toRequestField} gives. */
    static MigrationSpec validated(MigrationSpec spec, Function<String, String> toRequestField) {
        try {
            SpecValidator.validate(spec);
            return spec;
        } catch (SpecException e) {
            throw RebalanceException.invalid("'" + toRequestField.apply(e.field()) + "': the derived spec " + spec.name()
                    + " is invalid: " + e.getMessage());
        }
    }

    /** The base source with the default slot and publication of the derived name (never the base's). */
    private static SourceSpec source(MigrationSpec base) {
        SourceSpec s = base.source();
        return new SourceSpec(s.jdbcUrl(), s.user(), s.password(), null, null);
    }

    /** The base Kafka settings; an explicit topic prefix gets the rebalance's suffix, so no topic is shared. */
    private static KafkaSpec kafka(MigrationSpec base, String suffix) {
        KafkaSpec k = base.kafka();
        return new KafkaSpec(k.bootstrapServers(), k.partitions(), k.replicationFactor(),
                k.topicPrefix() == null ? null : k.topicPrefix() + "." + suffix);
    }

    private static List<String> targetNames(MigrationSpec base) {
        return base.targets().stream().map(TargetSpec::name).toList();
    }
}
