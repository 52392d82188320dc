package io.shardshift.cdc.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Converts one Debezium PostgreSQL change record (the {@code before/after/source/op} envelope) into the
 * canonical {@link ChangeEvent}, exactly once, with column values in PostgreSQL text form
 * ({@link PgTextValues}). Pure: no I/O.
 *
 * <ul>
 *   <li>The key is taken in the primary key order of the table's schema (so streamed and backfilled rows
 *       of one key get the same Kafka key), from the row image, falling back to Debezium's key struct.</li>
 *   <li>A value of the after image that Debezium could not read (an unchanged TOAST value, shown by the
 *       unavailable-value placeholder) is taken from the before image, which REPLICA IDENTITY FULL fills.</li>
 *   <li>A truncate ({@code op=t}) becomes a keyless {@link Operation#TRUNCATE} event with its LSN.</li>
 *   <li>Records that are not changes (heartbeats, tombstones, logical messages) give {@code null}.</li>
 * </ul>
 */
public final class DebeziumEventConverter {
    /** The placeholder configured as {@code unavailable.value.placeholder}. */
    public static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumEventConverter.class);
    private static final byte[] PLACEHOLDER_BYTES = UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
    private static final String PLACEHOLDER_UUID = UUID.nameUUIDFromBytes(PLACEHOLDER_BYTES).toString();

    private final Map<TableId, List<String>> primaryKeys;

    /**
     * @param primaryKeys the primary key columns of each captured table, in key order; a table missing
     *                    here is keyed in the order of Debezium's key struct
     */
    public DebeziumEventConverter(Map<TableId, List<String>> primaryKeys) {
        this.primaryKeys = Map.copyOf(primaryKeys);
    }

    /** Converts a record, or returns {@code null} when it carries no row change. */
    public ChangeEvent convert(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        return convert(record.key() instanceof Struct k ? k : null, value);
    }

    /**
     * Converts a key and an envelope value, or returns {@code null} when the value is not a row change.
     *
     * @throws IllegalArgumentException naming the table and LSN when the envelope is malformed
     */
    public ChangeEvent convert(Struct key, Struct envelope) {
        Schema schema = envelope.schema();
        if (schema.field("op") == null || schema.field("source") == null) {
            return null;
        }
        String code = envelope.getString("op");
        if (code == null || "m".equals(code)) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        TableId table = new TableId(source.getString("schema"), source.getString("table"));
        SourcePosition position = SourcePosition.streamed(longOf(source, "lsn"), longOf(source, "txId"),
                longOf(source, "ts_ms"));
        if ("t".equals(code)) {
            return ChangeEvent.truncate(table, position);
        }
        try {
            Operation op = Operation.forCode(code);
            Struct beforeStruct = schema.field("before") == null ? null : envelope.getStruct("before");
            Struct afterStruct = schema.field("after") == null ? null : envelope.getStruct("after");
            Map<String, String> before = beforeStruct == null ? null : row(beforeStruct);
            Map<String, String> after = afterStruct == null ? null : fillUnavailable(table, position, afterStruct, before);
            Map<String, String> keyValues = key(table, key, op.isUpsert() ? after : before);
            return ChangeEvent.of(op, table, keyValues, before, op == Operation.DELETE ? null : after, position);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot convert change of " + table + " at " + position + ": "
                    + e.getMessage(), e);
        }
    }

    private Map<String, String> key(TableId table, Struct keyStruct, Map<String, String> image) {
        List<String> columns = primaryKeys.get(table);
        Map<String, String> out = new LinkedHashMap<>();
        if (columns == null) {
            if (keyStruct == null) {
                throw new IllegalArgumentException("record has no key and the table's primary key is unknown");
            }
            out.putAll(row(keyStruct));
            return out;
        }
        for (String column : columns) {
            if (image != null && image.containsKey(column)) {
                out.put(column, image.get(column));
            } else if (keyStruct != null && keyStruct.schema().field(column) != null) {
                Field f = keyStruct.schema().field(column);
                out.put(column, PgTextValues.toText(f.schema(), keyStruct.get(f)));
            } else {
                throw new IllegalArgumentException("primary key column '" + column + "' is in neither the row nor the key");
            }
        }
        return out;
    }

    private static Map<String, String> row(Struct struct) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : struct.schema().fields()) {
            out.put(f.name(), PgTextValues.toText(f.schema(), struct.get(f)));
        }
        return out;
    }

    private static Map<String, String> fillUnavailable(TableId table, SourcePosition position, Struct after,
                                                       Map<String, String> before) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : after.schema().fields()) {
            Object raw = after.get(f);
            if (!isUnavailable(raw)) {
                out.put(f.name(), PgTextValues.toText(f.schema(), raw));
            } else if (before != null && before.containsKey(f.name())) {
                out.put(f.name(), before.get(f.name()));
            } else {
                LOG.error("column {} of {} at {} is unavailable (unchanged TOAST value) and the before image lacks it;"
                        + " is REPLICA IDENTITY FULL still set? The column is left out of the event, which the targets"
                        + " refuse (dead letter) rather than write without it", f.name(), table, position);
            }
        }
        return out;
    }

    /** Whether a raw value is one of the forms Debezium gives the unavailable-value placeholder. */
    static boolean isUnavailable(Object raw) {
        if (raw instanceof String s) {
            return s.equals(UNAVAILABLE_PLACEHOLDER) || s.equals(PLACEHOLDER_UUID);
        }
        if (raw instanceof byte[] b) {
            return Arrays.equals(b, PLACEHOLDER_BYTES);
        }
        if (raw instanceof ByteBuffer b) {
            return Arrays.equals(PgTextValues.toBytes(b), PLACEHOLDER_BYTES);
        }
        if (raw instanceof List<?> list && !list.isEmpty()) {
            if (list.size() == 1) {
                return isUnavailable(list.get(0));
            }
            if (list.size() == PLACEHOLDER_BYTES.length && list.get(0) instanceof Number) {
                for (int i = 0; i < list.size(); i++) {
                    if (!(list.get(i) instanceof Number n) || n.longValue() != PLACEHOLDER_BYTES[i]) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static long longOf(Struct source, String field) {
        if (source.schema().field(field) == null) {
            return 0L;
        }
        Object v = source.get(field);
        return v instanceof Number n ? n.longValue() : 0L;
    }
}
