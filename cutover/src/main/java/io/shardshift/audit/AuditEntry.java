package io.shardshift.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * One entry of the audit trail, one JSON line:
 *
 * <pre>{@code
 * {"seq":3,"time":"2026-01-01T10:00:00.120Z","actor":"cutover","step":"freeze","details":{"cutover":"c-1"},
 *  "prevHash":"9f2c...","hash":"51ab..."}
 * }</pre>
 *
 * {@code hash = hex(SHA-256(prevHash + canonical))}, where {@code canonical} is this entry without
 * {@code hash} as JSON with keys sorted and no spaces. The first entry's {@code prevHash} is 64 zeros.
 *
 * @param seq      position in the trail, from 1, without gaps
 * @param time     ISO-8601 instant
 * @param actor    who acted (a component, or an operator token's name)
 * @param step     what happened ({@code freeze}, {@code fence}, {@code flip}, {@code abort}...)
 * @param details  free-form facts of the step
 * @param prevHash the hash of the previous entry
 * @param hash     the hash of this entry
 */
public record AuditEntry(@JsonProperty("seq") long seq,
                         @JsonProperty("time") String time,
                         @JsonProperty("actor") String actor,
                         @JsonProperty("step") String step,
                         @JsonProperty("details") Map<String, Object> details,
                         @JsonProperty("prevHash") String prevHash,
                         @JsonProperty("hash") String hash) {

    /** The {@code prevHash} of the first entry. */
    public static final String GENESIS = "0".repeat(64);
}
