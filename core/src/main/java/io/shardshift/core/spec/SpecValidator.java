package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.sql.SqlIdentifiers;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a spec on its own, before anything connects: names, references between sections, ranges. It is
 * the one place for these rules: the sinks take its validated values. What needs the live systems (a
 * table's primary key, {@code wal_level}) is checked by the migrator's preflight.
 *
 * <p>Every problem is found in one pass, so a user fixes a spec in one round; see {@link SpecException}.
 */
public final class SpecValidator {
    static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern MIGRATION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,150}");

    private SpecValidator() {
    }

    /**
     * Validates the spec.
     *
     * @throws SpecException listing every problem, each with its field's path, in spec order
     */
    public static void validate(MigrationSpec spec) {
        Problems problems = check(spec);
        problems.throwIfAny();
    }

    /** Every problem of the spec, in spec order; empty when it is valid. */
    public static List<SpecException.Problem> problems(MigrationSpec spec) {
        return check(spec).list();
    }

    private static Problems check(MigrationSpec spec) {
        Problems problems = new Problems();
        if (spec.name() == null || !MIGRATION_NAME.matcher(spec.name()).matches()) {
            problems.add("name", "'" + spec.name() + "' must match [a-z][a-z0-9_]* (at most 40 characters);"
                    + " it names the replication slot and the topics");
        }
        requireJdbc(spec.source().jdbcUrl(), "source.jdbcUrl", problems);
        if (spec.source().slotName() != null && !SLOT_NAME.matcher(spec.source().slotName()).matches()) {
            problems.add("source.slotName", "'" + spec.source().slotName() + "' is not a valid replication slot"
                    + " name: PostgreSQL allows only lower-case letters, digits and _ (at most 63 characters)");
        }
        optionalIdentifier(spec.source().publication(), "source.publication", problems);
        Set<TableId> tables = validateTables(spec, problems);
        if (!problems.hasUnder("name") && !problems.hasUnder("tables")) {
            validateTopics(spec, problems);
        }
        validateKafka(spec.kafka(), problems);
        Set<String> targetNames = validateTargets(spec, problems);
        if (spec.hasLayout()) {
            validateLayout(spec.layout(), targetNames, problems);
        } else if (!spec.targets().isEmpty()) {
            problems.add("layout", "is required when 'targets' names PostgreSQL targets");
        }
        SearchTargetRules.validate(spec.searchTargets(), targetNames, problems.hasUnder("tables") ? null : tables,
                problems);
        if (!spec.hasLayout() && !problems.hasUnder("tables") && !problems.hasUnder("search")) {
            validateSearchOnly(spec, problems);
        }
        validateApply(spec.applyOrDefaults(), problems);
        validateTenants(spec.tenants(), problems);
        validateCapture(spec, problems);
        validateCutover(spec.cutoverOrDefaults(), problems);
        return problems;
    }

    private static void validateCapture(MigrationSpec spec, Problems problems) {
        Integer groups = spec.captureOrDefaults().groups();
        if (groups == null) {
            return;
        }
        if (groups < 1 || groups > SpecDefaults.CAPTURE_MAX_GROUPS) {
            problems.add("capture.groups", "must be between 1 and " + SpecDefaults.CAPTURE_MAX_GROUPS + ", was " + groups);
            return;
        }
        int tables = spec.tables() == null ? 0 : spec.tables().size();
        if (tables > 0 && groups > tables) {
            problems.add("capture.groups", "is " + groups + " but the spec has only " + tables + " table(s): each"
                    + " group captures whole tables, so give at most " + tables);
        }
        String suffix = SpecDefaults.CAPTURE_GROUP_SUFFIX + (groups - 1);
        if (groups > 1 && spec.source().slotName() != null && spec.source().slotName().length() + suffix.length() > 63) {
            problems.add("source.slotName", "'" + spec.source().slotName() + "' is too long for " + groups
                    + " capture groups: with the suffix " + suffix + " it must stay within 63 characters");
        }
        if (groups > 1 && spec.source().publication() != null
                && spec.source().publication().length() + suffix.length() > 63) {
            problems.add("source.publication", "'" + spec.source().publication() + "' is too long for " + groups
                    + " capture groups: with the suffix " + suffix + " it must stay within 63 characters");
        }
    }

    private static void validateTenants(List<String> tenants, Problems problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            String t = tenants.get(i);
            if (t == null || t.isEmpty()) {
                problems.add("tenants[" + i + "]", "must not be empty");
            } else if (!seen.add(t)) {
                problems.add("tenants[" + i + "]", "tenant '" + t + "' is listed twice");
            }
        }
    }

    private static void validateCutover(CutoverSpec c, Problems problems) {
        if (c.maxLagMillisOrDefault() < 0) {
            problems.add("cutover.maxLagMillis", "must not be negative, was " + c.maxLagMillis());
        }
        problems.check(c::stableForOrDefault);
        problems.check(c::gateTimeoutOrDefault);
        problems.check(c::freezeTimeoutOrDefault);
        problems.check(c::drainTimeoutOrDefault);
        problems.check(c::observationWindowOrDefault);
        if (c.slo() != null) {
            if (c.slo().maxP95MillisOrDefault() <= 0) {
                problems.add("cutover.slo.maxP95Millis", "must be positive, was " + c.slo().maxP95Millis());
            }
            double rate = c.slo().maxErrorRateOrDefault();
            if (rate < 0 || rate > 1) {
                problems.add("cutover.slo.maxErrorRate", "must be between 0 and 1, was " + rate);
            }
            atLeast(c.slo().samplesOrDefault(), 1, "cutover.slo.samples", problems);
        }
        if (c.shadowReads() != null) {
            atLeast(c.shadowReads().minReadsOrDefault(), 1, "cutover.shadowReads.minReads", problems);
            double rate = c.shadowReads().maxMismatchRateOrDefault();
            if (rate < 0 || rate > 1) {
                problems.add("cutover.shadowReads.maxMismatchRate", "must be between 0 and 1, was " + rate);
            }
            problems.check(c.shadowReads()::windowOrDefault);
        }
    }

    /** The tables' ids; every bad or repeated name is a problem. */
    private static Set<TableId> validateTables(MigrationSpec spec, Problems problems) {
        if (spec.tables().isEmpty()) {
            problems.add("tables", "name at least one table");
        }
        Set<TableId> seen = new LinkedHashSet<>();
        for (int i = 0; i < spec.tables().size(); i++) {
            TableSpec t = spec.tables().get(i);
            String path = "tables[" + i + "]";
            try {
                TableId id = TableId.parse(t.name());
                if (!seen.add(id)) {
                    problems.add(path + ".name", "table " + id + " is listed twice");
                }
            } catch (IllegalArgumentException e) {
                problems.add(path + ".name", e.getMessage());
            }
            optionalIdentifier(t.shardKey(), path + ".shardKey", problems);
            if (t.targetPartitioning() != null && !t.samePartitioning() && !"plain".equals(t.targetPartitioning())) {
                problems.add(path + ".targetPartitioning", "must be 'same' or 'plain', not '" + t.targetPartitioning() + "'");
            }
        }
        return seen;
    }

    /**
     * Every table's change topic is a valid Kafka name and distinct from the others, also under Kafka's rule
     * that topics differing only in {@code .} versus {@code _} collide (Kafka refuses to create the second).
     */
    private static void validateTopics(MigrationSpec spec, Problems problems) {
        Map<String, TableId> byCollisionName = new HashMap<>();
        List<TableId> ids = spec.tableIds();
        for (int i = 0; i < ids.size(); i++) {
            TableId id = ids.get(i);
            String topic;
            try {
                topic = spec.changeTopic(id);
            } catch (IllegalArgumentException e) {
                problems.add("kafka.topicPrefix", e.getMessage());
                return;
            }
            TableId other = byCollisionName.putIfAbsent(topic.replace('.', '_'), id);
            if (other != null) {
                problems.add("tables[" + i + "].name", "the change topic of " + id + " (" + topic + ") collides with"
                        + " that of " + other + ": Kafka treats '.' and '_' alike in topic names; migrate one of"
                        + " the two tables in a separate migration");
            }
        }
    }

    private static void validateKafka(KafkaSpec kafka, Problems problems) {
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            problems.add("kafka.bootstrapServers", "must not be empty");
        }
        if (kafka.partitions() != null && (kafka.partitions() < 1 || kafka.partitions() > 1024)) {
            problems.add("kafka.partitions", "must be between 1 and 1024, was " + kafka.partitions());
        }
        if (kafka.replicationFactor() != null && kafka.replicationFactor() < 1) {
            problems.add("kafka.replicationFactor", "must be at least 1");
        }
        if (kafka.topicPrefix() != null && !TOPIC_PREFIX.matcher(kafka.topicPrefix()).matches()) {
            problems.add("kafka.topicPrefix", "'" + kafka.topicPrefix() + "' is not a valid topic name prefix");
        }
    }

    private static Set<String> validateTargets(MigrationSpec spec, Problems problems) {
        List<TargetSpec> targets = spec.targets();
        if (targets.isEmpty() && spec.searchTargets().isEmpty()) {
            problems.add("targets", "name at least one target (or a search target in 'search')");
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            TargetSpec t = targets.get(i);
            String path = "targets[" + i + "]";
            uniqueName(t.name(), path, names, problems);
            if (t.type() != null && !TargetSpec.POSTGRES.equals(t.type())) {
                problems.add(path + ".type", "'" + t.type() + "' is not a target type (postgres)");
            }
            requireJdbc(t.jdbcUrl(), path + ".jdbcUrl", problems);
        }
        return names;
    }

    /** Checks a target's name against the pattern and the names seen so far (PostgreSQL and search). */
    static void uniqueName(String name, String path, Set<String> names, Problems problems) {
        if (name == null || !TARGET_NAME.matcher(name).matches()) {
            problems.add(path + ".name", "'" + name + "' must match [A-Za-z0-9_-]+");
        } else if (!names.add(name)) {
            problems.add(path + ".name", "target '" + name + "' is defined twice");
        }
    }

    private static void validateLayout(LayoutSpec layout, Set<String> targetNames, Problems problems) {
        if (layout.shardKey() == null) {
            problems.add("layout.shardKey", "is required");
        }
        optionalIdentifier(layout.shardKey(), "layout.shardKey", problems);
        Layout routing = LayoutSpecs.check(layout, "layout", problems);
        if (routing != null) {
            for (String t : routing.targets()) {
                if (!targetNames.contains(t)) {
                    problems.add(layoutFieldNaming(layout, t), "names target '" + t + "', which is not in 'targets' "
                            + targetNames);
                }
            }
        }
        if (layout.hotTenants() != null && layout.hotTenants().keySet().stream().anyMatch(k -> k == null || k.isEmpty())) {
            problems.add("layout.hotTenants", "has an empty tenant value");
        }
    }

    private static String layoutFieldNaming(LayoutSpec layout, String target) {
        if (layout.hotTenants() != null && layout.hotTenants().containsValue(target)) {
            return "layout.hotTenants";
        }
        return layout.targets() != null ? "layout.targets" : "layout.bucketMap." + target;
    }

    /**
     * A spec without a layout only feeds search targets: every table needs one, and a shard key from
     * {@code tables[i].shardKey} or from one of its search targets.
     */
    private static void validateSearchOnly(MigrationSpec spec, Problems problems) {
        List<TableId> tables = spec.tableIds();
        for (int i = 0; i < tables.size(); i++) {
            TableId table = tables.get(i);
            if (spec.searchTargetsOf(table).isEmpty()) {
                problems.add("tables[" + i + "]", "table " + table + " has no target: without 'targets'"
                        + " and 'layout', every table needs a search target in 'search'");
            } else if (spec.shardKeyFieldOf(table) == null) {
                problems.add("tables[" + i + "].shardKey", "table " + table + " has no shard key: without"
                        + " a 'layout', give tables[" + i + "].shardKey or a shardKey on one of its search targets "
                        + spec.searchTargetsOf(table));
            }
        }
    }

    private static void validateApply(ApplySpec apply, Problems problems) {
        atLeast(apply.batchSizeOrDefault(), 1, "apply.batchSize", problems);
        atLeast(apply.threadsOrDefault(), 1, "apply.threads", problems);
        atLeast(apply.backfillParallelismOrDefault(), 1, "apply.backfillParallelism", problems);
        atLeast(apply.chunkRowsOrDefault(), 1, "apply.chunkRows", problems);
        if (apply.maxRetriesOrDefault() < 0) {
            problems.add("apply.maxRetries", "must not be negative");
        }
        problems.check(() -> {
            if (apply.outageGiveUpOrDefault().compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add("apply.outageGiveUp", "must be at least 1s, was '" + apply.outageGiveUp() + "'");
            }
        });
        if (apply.maxRateOrDefault() < 1) {
            problems.add("apply.maxRate", "must be at least 1 row per second, was " + apply.maxRate());
        }
        problems.check(() -> {
            if (apply.targetLagOrDefault().compareTo(Duration.ofMillis(100)) < 0) {
                problems.add("apply.targetLag", "must be at least 100ms, was '" + apply.targetLag() + "'");
            }
        });
    }

    static void atLeast(int value, int min, String field, Problems problems) {
        if (value < min) {
            problems.add(field, "must be at least " + min + ", was " + value);
        }
    }

    private static void requireJdbc(String url, String field, Problems problems) {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            problems.add(field, "'" + Secrets.maskCredentials(url)
                    + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
        }
    }

    static void optionalIdentifier(String name, String field, Problems problems) {
        if (name != null && !SqlIdentifiers.isValid(name)) {
            problems.add(field, "'" + name + "' is not a valid PostgreSQL identifier: " + SqlIdentifiers.problem(name));
        }
    }
}
