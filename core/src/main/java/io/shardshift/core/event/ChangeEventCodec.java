package io.shardshift.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format of {@link ChangeEvent} and of its key on the change topics: UTF-8 JSON, shown in
 * {@link ChangeEvent}'s documentation. A key is the JSON array of the primary key values in key order,
 * e.g. {@code ["acme","42"]}, so equal keys are equal bytes and Kafka's partitioner keeps one key in one
 * partition.
 */
public final class ChangeEventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeEventCodec() {
    }

    /** Encodes an event as UTF-8 JSON. */
    public static byte[] encode(ChangeEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", event.op().code());
            g.writeStringField("table", event.table().toString());
            writeRow(g, "key", event.key());
            if (event.before() != null) {
                writeRow(g, "before", event.before());
            }
            if (event.after() != null) {
                writeRow(g, "after", event.after());
            }
            SourcePosition p = event.position();
            g.writeObjectFieldStart("position");
            g.writeNumberField("lsn", p.lsn());
            g.writeNumberField("txId", p.txId());
            g.writeNumberField("commitMillis", p.commitMillis());
            g.writeBooleanField("snapshot", p.snapshot());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
        return out.toByteArray();
    }

    private static void writeRow(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue() == null) {
                g.writeNullField(e.getKey());
            } else {
                g.writeStringField(e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
    }

    /**
     * Decodes an event.
     *
     * @throws IllegalArgumentException with the reason when the bytes are not a valid event
     */
    public static ChangeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("change event is null");
        }
        try (JsonParser p = JSON.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("change event is not a JSON object");
            }
            String op = null;
            String table = null;
            Map<String, String> key = null;
            Map<String, String> before = null;
            Map<String, String> after = null;
            SourcePosition position = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "op" -> op = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "table" -> table = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "key" -> key = readRow(p, value);
                    case "before" -> before = readRow(p, value);
                    case "after" -> after = readRow(p, value);
                    case "position" -> position = readPosition(p, value);
                    default -> p.skipChildren();
                }
            }
            return ChangeEvent.of(Operation.forCode(required(op, "op")), TableId.parse(required(table, "table")),
                    required(key, "key"), before, after, required(position, "position"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("change event is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("change event cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> readRow(JsonParser p, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return null;
        }
        if (start != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("row image is not a JSON object: " + p.getText());
        }
        Map<String, String> row = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("value of column " + column + " is not a scalar");
            }
            row.put(column, v == JsonToken.VALUE_NULL ? null : p.getText());
        }
        return row;
    }

    private static SourcePosition readPosition(JsonParser p, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return null;
        }
        if (start != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("position is not a JSON object");
        }
        Long lsn = null;
        long txId = 0;
        long commitMillis = 0;
        boolean snapshot = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "lsn" -> lsn = v == JsonToken.VALUE_NULL ? null : p.getValueAsLong();
                case "txId" -> txId = p.getValueAsLong();
                case "commitMillis" -> commitMillis = p.getValueAsLong();
                case "snapshot" -> snapshot = p.getValueAsBoolean();
                default -> p.skipChildren();
            }
        }
        return new SourcePosition(required(lsn, "lsn"), txId, commitMillis, snapshot);
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("change event has no '" + field + "'");
        }
        return value;
    }

    /** Encodes the Kafka record key of an event: the JSON array of its key values. */
    public static byte[] encodeKey(List<String> keyValues) {
        ArrayNode arr = JSON.createArrayNode();
        keyValues.forEach(arr::add);
        return arr.toString().getBytes(StandardCharsets.UTF_8);
    }

}
