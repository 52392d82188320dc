package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The effective configuration of a validated spec: every key with the value the migrator uses (defaults
 * filled in), secrets masked, for the start-up log. Masked are passwords, credentials inside URLs (see
 * {@link Secrets#maskCredentials}) and, given the environment, the value of every environment variable whose
 * name says it is a secret ({@code *PASSWORD*}, {@code *SECRET*}, {@code *TOKEN*}, {@code *KEY*} ...) wherever
 * it appears, e.g. after {@code ${env:DB_PASSWORD}} was substituted into a URL.
 *
 * <pre>{@code
 * name = orders_reshard
 * source.jdbcUrl = jdbc:postgresql://db:5432/app
 * source.password = ******
 * ...
 * cutover.stableFor = 5s
 * }</pre>
 */
public final class EffectiveConfig {
    /** What an absent optional value is shown as. */
    public static final String NONE = "(none)";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSW|PWD|SECRET|TOKEN|CREDENTIAL|KEY).*");
    /** Shorter values of secret variables are not searched for, so they do not mask every digit. */
    private static final int MIN_SECRET_LENGTH = 4;

    private EffectiveConfig() {
    }

    /** {@link #render(MigrationSpec, Map)} without environment secrets. */
    public static String render(MigrationSpec spec) {
        return render(spec, Map.of());
    }

    /** One {@code key = value} line per key, in spec order. */
    public static String render(MigrationSpec spec, Map<String, String> env) {
        return entries(spec, env).entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Every key of the spec (list elements by index, e.g. {@code targets[1].jdbcUrl}) to its masked
     * effective value, in spec order.
     *
     * @param env the environment the spec was loaded with, to mask the values of its secret variables
     */
    public static Map<String, String> entries(MigrationSpec spec, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "name", spec.name());
        put(out, "source.jdbcUrl", spec.source().jdbcUrl());
        put(out, "source.user", spec.source().user());
        put(out, "source.password", spec.source().password());
        put(out, "source.slotName", spec.slotName());
        put(out, "source.publication", spec.publicationName());
        for (int i = 0; i < spec.tables().size(); i++) {
            TableSpec t = spec.tables().get(i);
            put(out, "tables[" + i + "].name", TableId.parse(t.name()));
            put(out, "tables[" + i + "].shardKey", spec.shardKeyOf(TableId.parse(t.name())));
            put(out, "tables[" + i + "].targetPartitioning", t.samePartitioning() ? "same" : SpecDefaults.TARGET_PARTITIONING);
        }
        put(out, "kafka.bootstrapServers", spec.kafka().bootstrapServers());
        put(out, "kafka.partitions", spec.partitions());
        put(out, "kafka.replicationFactor", spec.replicationFactor());
        put(out, "kafka.topicPrefix", spec.topicPrefix());
        for (int i = 0; i < spec.targets().size(); i++) {
            TargetSpec t = spec.targets().get(i);
            String p = "targets[" + i + "].";
            put(out, p + "name", t.name());
            put(out, p + "type", t.type() == null ? SpecDefaults.TARGET_TYPE : t.type());
            put(out, p + "jdbcUrl", t.jdbcUrl());
            put(out, p + "user", t.user());
            put(out, p + "password", t.password());
        }
        layout(spec, out);
        ApplySpec apply = spec.applyOrDefaults();
        put(out, "apply.batchSize", apply.batchSizeOrDefault());
        put(out, "apply.threads", apply.threadsOrDefault());
        put(out, "apply.maxRetries", apply.maxRetriesOrDefault());
        put(out, "apply.outageGiveUp", apply.outageGiveUpOrDefault());
        put(out, "apply.backfillParallelism", apply.backfillParallelismOrDefault());
        put(out, "apply.chunkRows", apply.chunkRowsOrDefault());
        put(out, "apply.maxRate", apply.maxRate() == null ? "unlimited" : apply.maxRate());
        put(out, "apply.targetLag", apply.targetLagOrDefault());
        put(out, "capture.groups", spec.captureGroups());
        for (int i = 0; i < spec.searchTargets().size(); i++) {
            search(spec, i, out);
        }
        put(out, "tenants", spec.tenants());
        cutover(spec.cutoverOrDefaults(), out);
        return maskEnvSecrets(out, env);
    }

    private static void layout(MigrationSpec spec, Map<String, String> out) {
        if (!spec.hasLayout()) {
            put(out, "layout", null);
            return;
        }
        LayoutSpec l = spec.layout();
        put(out, "layout.generation", l.generation() == null ? SpecDefaults.LAYOUT_GENERATION : l.generation());
        put(out, "layout.shardKey", l.shardKey());
        put(out, "layout.buckets", l.buckets() == null ? SpecDefaults.LAYOUT_BUCKETS : l.buckets());
        put(out, "layout.targets", l.targets());
        put(out, "layout.bucketMap", l.bucketMap());
        put(out, "layout.hotTenants", l.hotTenants());
    }

    private static void search(MigrationSpec spec, int i, Map<String, String> out) {
        SearchTargetSpec s = spec.searchTargets().get(i);
        String p = "search[" + i + "].";
        put(out, p + "name", s.name());
        put(out, p + "zkHost", s.zkHost());
        put(out, p + "solrUrls", s.solrUrls());
        put(out, p + "collection", s.collection());
        put(out, p + "version", s.version());
        put(out, p + "shards", s.shardsOrDefault());
        put(out, p + "replicas", s.replicasOrDefault());
        put(out, p + "table", TableId.parse(s.table()));
        put(out, p + "shardKey", s.shardKey() != null ? s.shardKey() : spec.shardKeyOf(TableId.parse(s.table())));
        List<SearchTargetSpec.SearchFieldSpec> fields = s.fields() == null ? List.of() : s.fields();
        for (int f = 0; f < fields.size(); f++) {
            SearchTargetSpec.SearchFieldSpec field = fields.get(f);
            put(out, p + "fields[" + f + "].column", field.column());
            put(out, p + "fields[" + f + "].field", field.field() == null ? field.column() : field.field());
            put(out, p + "fields[" + f + "].type", field.type());
        }
        put(out, p + "hotTenants", s.hotTenants());
        put(out, p + "commitWithinMs", s.commitWithinMsOrDefault());
    }

    private static void cutover(CutoverSpec c, Map<String, String> out) {
        put(out, "cutover.auto", c.autoOrDefault());
        put(out, "cutover.maxLagMillis", c.maxLagMillisOrDefault());
        put(out, "cutover.stableFor", c.stableForOrDefault());
        put(out, "cutover.gateTimeout", c.gateTimeoutOrDefault());
        put(out, "cutover.freezeTimeout", c.freezeTimeoutOrDefault());
        put(out, "cutover.drainTimeout", c.drainTimeoutOrDefault());
        put(out, "cutover.observationWindow", c.observationWindowOrDefault());
        put(out, "cutover.verify", c.verifyOrDefault());
        if (c.slo() == null) {
            put(out, "cutover.slo", null);
        } else {
            put(out, "cutover.slo.maxP95Millis", c.slo().maxP95MillisOrDefault());
            put(out, "cutover.slo.maxErrorRate", c.slo().maxErrorRateOrDefault());
            put(out, "cutover.slo.samples", c.slo().samplesOrDefault());
        }
        if (c.shadowReads() == null) {
            put(out, "cutover.shadowReads", null);
        } else {
            put(out, "cutover.shadowReads.minReads", c.shadowReads().minReadsOrDefault());
            put(out, "cutover.shadowReads.maxMismatchRate", c.shadowReads().maxMismatchRateOrDefault());
            put(out, "cutover.shadowReads.window", c.shadowReads().windowOrDefault());
        }
    }

    private static void put(Map<String, String> out, String key, Object value) {
        String text;
        if (value == null) {
            text = NONE;
        } else if (key.endsWith("password")) {
            text = Secrets.MASK;
        } else {
            text = Secrets.maskCredentials(SpecKey.text(value));
        }
        out.put(key, text);
    }

    private static Map<String, String> maskEnvSecrets(Map<String, String> entries, Map<String, String> env) {
        List<String> secrets = env.entrySet().stream()
                .filter(e -> SECRET_NAME.matcher(e.getKey()).matches())
                .map(Map.Entry::getValue)
                .filter(v -> v != null && v.length() >= MIN_SECRET_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        if (secrets.isEmpty()) {
            return Collections.unmodifiableMap(entries);
        }
        entries.replaceAll((key, value) -> {
            String masked = value;
            for (String secret : secrets) {
                masked = masked.replace(secret, Secrets.MASK);
            }
            return masked;
        });
        return Collections.unmodifiableMap(entries);
    }
}
