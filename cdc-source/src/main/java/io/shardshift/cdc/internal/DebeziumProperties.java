package io.shardshift.cdc.internal;

import io.shardshift.cdc.CaptureOptions;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The configuration of Debezium's embedded PostgreSQL connector for a migration: {@code pgoutput} on the
 * migration's slot and publication (never created by Debezium), streaming only (the backfill is
 * Shardshift's own), values in the forms {@link PgTextValues} expects, and offsets stored in Kafka so a
 * restart resumes where the last run confirmed.
 */
public final class DebeziumProperties {
    /** The key of the password, masked when the properties are logged. */
    static final String PASSWORD = "database.password";

    private DebeziumProperties() {
    }

    /** The engine's name, which also names its offsets inside the offsets topic: stable per migration. */
    public static String engineName(MigrationSpec spec) {
        return engineName(spec, 0);
    }

    /**
     * The engine name of a capture group, which keys its offsets in the offsets topic: group 0's is
     * {@link #engineName(MigrationSpec)} (so a one-group migration resumes from the offsets of before),
     * group {@code i > 0}'s adds {@code -g<i>}.
     */
    public static String engineName(MigrationSpec spec, int group) {
        return group == 0 ? "shardshift-" + spec.name() : "shardshift-" + spec.name() + "-g" + group;
    }

    /** The offsets topic of a migration. */
    public static String offsetsTopic(MigrationSpec spec) {
        return spec.topicPrefix() + ".offsets";
    }

    /** Builds the properties of capture group 0. */
    public static Properties build(MigrationSpec spec, List<TableId> tables, CaptureOptions options) {
        return build(spec, 0, tables, options);
    }

    /** Builds the properties of a capture group's engine: its slot, publication, tables and offsets key. */
    public static Properties build(MigrationSpec spec, int group, List<TableId> tables, CaptureOptions options) {
        PgConnections.Endpoint source = PgConnections.Endpoint.parse(spec.source().jdbcUrl(), "source.jdbcUrl");
        Properties p = new Properties();
        p.setProperty("name", engineName(spec, group));
        if (group > 0) {
            // the engines of one process would otherwise register their metrics under the same JMX name
            p.setProperty("custom.metric.tags", "capture_group=" + group);
        }
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", spec.topicPrefix());

        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.dbname", source.database());
        p.setProperty("database.user", spec.source().user());
        if (spec.source().password() != null) {
            p.setProperty(PASSWORD, spec.source().password());
        }
        if (source.sslMode() != null) {
            p.setProperty("database.sslmode", source.sslMode());
        }

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", spec.slotName(group));
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("publication.name", spec.publicationName(group));
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("table.include.list", tables.stream().map(DebeziumProperties::tableRegex)
                .collect(Collectors.joining(",")));
        // Debezium skips truncates by default; a skipped truncate would leave its rows on the targets.
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        // Logical decoding messages with this prefix are position markers (the migrator's drain); only their
        // LSN is used, they never reach the change topics.
        p.setProperty("message.prefix.include.list", io.shardshift.cdc.ChangeCapture.MARKER_PREFIX);
        // Latency: Debezium hands over a batch when it holds max.batch.size records or poll.interval.ms
        // passed (default 500 ms, which alone put capture's p50 at ~550 ms); measured p50 ~25 ms with these.
        p.setProperty("poll.interval.ms", "20");
        p.setProperty("max.batch.size", "8192");
        p.setProperty("max.queue.size", "32768");
        p.setProperty("heartbeat.interval.ms", Long.toString(options.heartbeatInterval().toMillis()));

        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("time.precision.mode", "adaptive");
        // Exact text for the types whose default conversion changes values (infinity, multi-dimensional arrays).
        p.setProperty("converters", PgTextConverter.NAME);
        // Composite values, multiranges and tsquery reach PgTextConverter as their text instead of being left out.
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty(PgTextConverter.NAME + ".type", PgTextConverter.class.getName());
        p.setProperty("unavailable.value.placeholder", DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER);

        // Kafka Connect's KafkaOffsetBackingStore, but one that closes its admin client on stop (see the class).
        p.setProperty("offset.storage", ClosingKafkaOffsetBackingStore.class.getName());
        p.setProperty("bootstrap.servers", spec.kafka().bootstrapServers());
        p.setProperty("offset.storage.topic", offsetsTopic(spec));
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(spec.replicationFactor()));
        p.setProperty("offset.flush.interval.ms", Long.toString(options.offsetFlushInterval().toMillis()));

        options.debeziumOverrides().forEach(p::setProperty);
        return p;
    }

    /** The properties as text for a log line, with the password masked. */
    public static String describe(Properties p) {
        Map<String, String> sorted = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> sorted.put(k, k.equals(PASSWORD) ? "******" : p.getProperty(k)));
        return sorted.toString();
    }

    /**
     * A {@code table.include.list} entry: a regular expression matched against {@code schema.table} (the raw
     * names joined by a dot). Every ASCII character other than a letter, digit or {@code _} is escaped with a
     * backslash, so a dot, a space, a {@code $} or a comma (which Debezium would otherwise take as the list
     * separator) in a name matches only itself, e.g. {@code public\.Order\ Items}.
     */
    static String tableRegex(TableId table) {
        return literalRegex(table.schema()) + "\\." + literalRegex(table.table());
    }

    private static String literalRegex(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        name.chars().forEach(c -> {
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!plain && c < 0x80) {
                out.append('\\');
            }
            out.append((char) c);
        });
        return out.toString();
    }
}
