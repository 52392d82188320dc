package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a spec on its own, before anything connects: names, references between sections, ranges. What
 * needs the live systems (a table's primary key, {@code wal_level}) is checked by the migrator's preflight.
 */
public final class SpecValidator {
    private static final Pattern MIGRATION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    private SpecValidator() {
    }

    /** Validates the spec; throws {@link SpecException} naming the first bad field. */
    public static void validate(MigrationSpec spec) {
        if (!MIGRATION_NAME.matcher(spec.name()).matches()) {
            throw new SpecException("name", "'" + spec.name() + "' must match [a-z][a-z0-9_]* (at most 40 characters);"
                    + " it names the replication slot and the topics");
        }
        requireJdbc(spec.source().jdbcUrl(), "source.jdbcUrl");
        optionalIdentifier(spec.source().slotName(), "source.slotName");
        optionalIdentifier(spec.source().publication(), "source.publication");
        validateTables(spec);
        validateKafka(spec.kafka());
        Set<String> targetNames = validateTargets(spec);
        if (spec.hasLayout()) {
            validateLayout(spec, targetNames);
        } else if (!spec.targets().isEmpty()) {
            throw new SpecException("layout", "is required when 'targets' names PostgreSQL targets");
        }
        validateSearch(spec, targetNames);
        if (!spec.hasLayout()) {
            validateSearchOnly(spec);
        }
        validateApply(spec.applyOrDefaults());
        validateTenants(spec.tenants());
        validateCutover(spec.cutoverOrDefaults());
    }

    private static void validateTenants(List<String> tenants) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            String t = tenants.get(i);
            if (t == null || t.isEmpty()) {
                throw new SpecException("tenants[" + i + "]", "must not be empty");
            }
            if (!seen.add(t)) {
                throw new SpecException("tenants[" + i + "]", "tenant '" + t + "' is listed twice");
            }
        }
    }

    private static void validateCutover(CutoverSpec c) {
        if (c.maxLagMillisOrDefault() < 0) {
            throw new SpecException("cutover.maxLagMillis", "must not be negative, was " + c.maxLagMillis());
        }
        c.stableForOrDefault();
        c.gateTimeoutOrDefault();
        c.freezeTimeoutOrDefault();
        c.drainTimeoutOrDefault();
        c.observationWindowOrDefault();
        if (c.slo() != null) {
            if (c.slo().maxP95MillisOrDefault() <= 0) {
                throw new SpecException("cutover.slo.maxP95Millis", "must be positive, was " + c.slo().maxP95Millis());
            }
            double rate = c.slo().maxErrorRateOrDefault();
            if (rate < 0 || rate > 1) {
                throw new SpecException("cutover.slo.maxErrorRate", "must be between 0 and 1, was " + rate);
            }
            positive(c.slo().samplesOrDefault(), "cutover.slo.samples");
        }
    }

    private static void validateTables(MigrationSpec spec) {
        if (spec.tables().isEmpty()) {
            throw new SpecException("tables", "name at least one table");
        }
        Set<TableId> seen = new HashSet<>();
        for (int i = 0; i < spec.tables().size(); i++) {
            TableSpec t = spec.tables().get(i);
            String path = "tables[" + i + "]";
            TableId id;
            try {
                id = TableId.parse(t.name());
            } catch (IllegalArgumentException e) {
                throw new SpecException(path + ".name", e.getMessage());
            }
            if (!seen.add(id)) {
                throw new SpecException(path + ".name", "table " + id + " is listed twice");
            }
            optionalIdentifier(t.shardKey(), path + ".shardKey");
        }
    }

    private static void validateKafka(KafkaSpec kafka) {
        if (kafka.bootstrapServers().isBlank()) {
            throw new SpecException("kafka.bootstrapServers", "must not be empty");
        }
        if (kafka.partitions() != null && (kafka.partitions() < 1 || kafka.partitions() > 1024)) {
            throw new SpecException("kafka.partitions", "must be between 1 and 1024, was " + kafka.partitions());
        }
        if (kafka.replicationFactor() != null && kafka.replicationFactor() < 1) {
            throw new SpecException("kafka.replicationFactor", "must be at least 1");
        }
        if (kafka.topicPrefix() != null && !kafka.topicPrefix().matches("[A-Za-z0-9._-]{1,150}")) {
            throw new SpecException("kafka.topicPrefix", "'" + kafka.topicPrefix() + "' is not a valid topic name prefix");
        }
    }

    private static Set<String> validateTargets(MigrationSpec spec) {
        List<TargetSpec> targets = spec.targets();
        if (targets.isEmpty() && spec.searchTargets().isEmpty()) {
            throw new SpecException("targets", "name at least one target (or a search target in 'search')");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            TargetSpec t = targets.get(i);
            String path = "targets[" + i + "]";
            if (!TARGET_NAME.matcher(t.name()).matches()) {
                throw new SpecException(path + ".name", "'" + t.name() + "' must match [A-Za-z0-9_-]+");
            }
            if (!names.add(t.name())) {
                throw new SpecException(path + ".name", "target '" + t.name() + "' is defined twice");
            }
            if (t.type() != null && !TargetSpec.POSTGRES.equals(t.type())) {
                throw new SpecException(path + ".type", "'" + t.type() + "' is not a target type (postgres)");
            }
            requireJdbc(t.jdbcUrl(), path + ".jdbcUrl");
        }
        return names;
    }

    private static void validateLayout(MigrationSpec spec, Set<String> targetNames) {
        LayoutSpec layout = spec.layout();
        optionalIdentifier(layout.shardKey(), "layout.shardKey");
        if (layout.shardKey() == null) {
            throw new SpecException("layout.shardKey", "is required");
        }
        spec.routing().targets().forEach(t -> {
            if (!targetNames.contains(t)) {
                throw new SpecException(layoutFieldNaming(layout, t), "names target '" + t
                        + "', which is not in 'targets' " + targetNames);
            }
        });
        if (layout.hotTenants() != null) {
            layout.hotTenants().forEach((tenant, target) -> {
                if (tenant == null || tenant.isEmpty()) {
                    throw new SpecException("layout.hotTenants", "has an empty tenant value");
                }
            });
        }
    }

    private static String layoutFieldNaming(LayoutSpec layout, String target) {
        if (layout.hotTenants() != null && layout.hotTenants().containsValue(target)) {
            return "layout.hotTenants";
        }
        return layout.targets() != null ? "layout.targets" : "layout.bucketMap." + target;
    }

    private static void validateSearch(MigrationSpec spec, Set<String> targetNames) {
        Set<String> names = new HashSet<>(targetNames);
        List<SearchTargetSpec> search = spec.searchTargets();
        for (int i = 0; i < search.size(); i++) {
            SearchTargetSpec s = search.get(i);
            String path = "search[" + i + "]";
            if (!TARGET_NAME.matcher(s.name()).matches()) {
                throw new SpecException(path + ".name", "'" + s.name() + "' must match [A-Za-z0-9_-]+");
            }
            if (!names.add(s.name())) {
                throw new SpecException(path + ".name", "target '" + s.name() + "' is defined twice");
            }
            boolean hasZk = s.zkHost() != null && !s.zkHost().isBlank();
            boolean hasUrls = s.solrUrls() != null && !s.solrUrls().isEmpty();
            if (hasZk == hasUrls) {
                throw new SpecException(path, "give exactly one of zkHost or solrUrls");
            }
            TableId table;
            try {
                table = TableId.parse(s.table());
            } catch (IllegalArgumentException e) {
                throw new SpecException(path + ".table", e.getMessage());
            }
            if (!spec.tableIds().contains(table)) {
                throw new SpecException(path + ".table", "table " + table + " is not in 'tables'");
            }
            optionalIdentifier(s.shardKey(), path + ".shardKey");
            if (s.version() < 1) {
                throw new SpecException(path + ".version", "must be at least 1, was " + s.version());
            }
            if (s.fields() != null) {
                for (int f = 0; f < s.fields().size(); f++) {
                    optionalIdentifier(s.fields().get(f).column(), path + ".fields[" + f + "].column");
                }
            }
        }
    }

    /**
     * A spec without a layout only feeds search targets: every table needs one, and a shard key from
     * {@code tables[i].shardKey} or from one of its search targets.
     */
    private static void validateSearchOnly(MigrationSpec spec) {
        List<TableId> tables = spec.tableIds();
        for (int i = 0; i < tables.size(); i++) {
            TableId table = tables.get(i);
            if (spec.searchTargetsOf(table).isEmpty()) {
                throw new SpecException("tables[" + i + "]", "table " + table + " has no target: without 'targets'"
                        + " and 'layout', every table needs a search target in 'search'");
            }
            if (spec.shardKeyFieldOf(table) == null) {
                throw new SpecException("tables[" + i + "].shardKey", "table " + table + " has no shard key: without"
                        + " a 'layout', give tables[" + i + "].shardKey or a shardKey on one of its search targets "
                        + spec.searchTargetsOf(table));
            }
        }
    }

    private static void validateApply(ApplySpec apply) {
        positive(apply.batchSizeOrDefault(), "apply.batchSize");
        positive(apply.threadsOrDefault(), "apply.threads");
        positive(apply.backfillParallelismOrDefault(), "apply.backfillParallelism");
        positive(apply.chunkRowsOrDefault(), "apply.chunkRows");
        if (apply.maxRetriesOrDefault() < 0) {
            throw new SpecException("apply.maxRetries", "must not be negative");
        }
    }

    private static void positive(int value, String field) {
        if (value < 1) {
            throw new SpecException(field, "must be at least 1, was " + value);
        }
    }

    private static void requireJdbc(String url, String field) {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            throw new SpecException(field, "'" + url + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
        }
    }

    private static void optionalIdentifier(String name, String field) {
        if (name != null && !SqlIdentifiers.isValid(name)) {
            throw new SpecException(field, "'" + name + "' is not a valid SQL identifier");
        }
    }
}
