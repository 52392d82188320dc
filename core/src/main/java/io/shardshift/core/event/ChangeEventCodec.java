package io.shardshift.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
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
        ObjectNode root = JSON.createObjectNode();
        root.put("op", event.op().code());
        root.put("table", event.table().toString());
        root.set("key", row(event.key()));
        if (event.before() != null) {
            root.set("before", row(event.before()));
        }
        if (event.after() != null) {
            root.set("after", row(event.after()));
        }
        SourcePosition p = event.position();
        ObjectNode pos = root.putObject("position");
        pos.put("lsn", p.lsn());
        pos.put("txId", p.txId());
        pos.put("commitMillis", p.commitMillis());
        pos.put("snapshot", p.snapshot());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
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
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("change event is not a JSON object");
            }
            Operation op = Operation.forCode(text(root, "op"));
            TableId table = TableId.parse(text(root, "table"));
            JsonNode pos = required(root, "position");
            SourcePosition position = new SourcePosition(required(pos, "lsn").asLong(), pos.path("txId").asLong(),
                    pos.path("commitMillis").asLong(), pos.path("snapshot").asBoolean());
            return ChangeEvent.of(op, table, map(required(root, "key")), map(root.get("before")),
                    map(root.get("after")), position);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("change event is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("change event cannot be read: " + e.getMessage(), e);
        }
    }

    /** Encodes the Kafka record key of an event: the JSON array of its key values. */
    public static byte[] encodeKey(List<String> keyValues) {
        ArrayNode arr = JSON.createArrayNode();
        keyValues.forEach(arr::add);
        return arr.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode row(Map<String, String> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach((k, v) -> {
            if (v == null) {
                node.putNull(k);
            } else {
                node.put(k, v);
            }
        });
        return node;
    }

    private static Map<String, String> map(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("row image is not a JSON object: " + node);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return out;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("change event has no '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        return required(node, field).asText();
    }
}
