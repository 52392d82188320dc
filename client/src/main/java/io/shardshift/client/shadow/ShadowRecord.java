package io.shardshift.client.shadow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One shadow read's agreement record, published as JSON on {@code <prefix>.shadow} (record key: the table or
 * collection). See {@code docs/shadow-reads.md}:
 *
 * <pre>{@code
 * {"readId":"5f0c...","origin":"client","kind":"rows","table":"public.orders","query":"id=42",
 *  "target":"pg_b","generation":2,"outcome":"mismatch","detail":"row 1: total 10.00 vs 99.00",
 *  "oldAnswer":"[{\"id\":\"42\",\"total\":\"10.00\"}]","newAnswer":"[{\"id\":\"42\",\"total\":\"99.00\"}]",
 *  "newPosition":null,"atMillis":1767225600000}
 * }</pre>
 *
 * @param readId      a unique id of the read
 * @param origin      {@code client} (the embedded helper) or {@code replay} ({@code shardshift shadow replay})
 * @param kind        {@code rows} (PostgreSQL) or {@code search} (Solr)
 * @param table       the table or collection read
 * @param query       the key or query, as the application or the log gave it
 * @param target      the new-layout target read ({@code *} for all), or null
 * @param generation  the pending generation the new read was routed by, or 0 if unknown
 * @param outcome     agree, mismatch, explained-by-lag or error
 * @param detail      what differs (the first difference), or the error; empty when they agree
 * @param oldAnswer   the old layout's answer in canonical form, truncated
 * @param newAnswer   the new layout's answer in canonical form, truncated
 * @param newPosition the new side's applied position (e.g. an LSN), if known, else null
 * @param atMillis    when the read was compared (Unix epoch milliseconds)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ShadowRecord(@JsonProperty("readId") String readId, @JsonProperty("origin") String origin,
                           @JsonProperty("kind") String kind, @JsonProperty("table") String table,
                           @JsonProperty("query") String query, @JsonProperty("target") String target,
                           @JsonProperty("generation") long generation, @JsonProperty("outcome") String outcome,
                           @JsonProperty("detail") String detail, @JsonProperty("oldAnswer") String oldAnswer,
                           @JsonProperty("newAnswer") String newAnswer, @JsonProperty("newPosition") String newPosition,
                           @JsonProperty("atMillis") long atMillis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kind of a PostgreSQL read. */
    public static final String ROWS = "rows";
    /** Kind of a Solr read. */
    public static final String SEARCH = "search";

    /** The shadow topic of a migration's topic prefix, e.g. {@code shardshift.orders.shadow}. */
    public static String topic(String topicPrefix) {
        return topicPrefix + ".shadow";
    }

    /** The outcome as an enum. */
    @JsonIgnore
    public ShadowOutcome outcomeValue() {
        return ShadowOutcome.ofWire(outcome);
    }

    /** The record as JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write shadow record " + readId, e);
        }
    }

    /**
     * Reads a record.
     *
     * @throws IllegalArgumentException if it is not a shadow record (the message names what is wrong)
     */
    public static ShadowRecord fromJson(String json) {
        ShadowRecord r;
        try {
            r = JSON.readValue(json, ShadowRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a shadow record: " + e.getOriginalMessage(), e);
        }
        if (r.readId == null || r.outcome == null) {
            throw new IllegalArgumentException("not a shadow record: readId and outcome are required");
        }
        r.outcomeValue();
        return r;
    }

    /** Cuts a text to at most {@code max} characters, saying how much was cut. */
    public static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "...(" + (s.length() - max) + " more chars)";
    }
}
