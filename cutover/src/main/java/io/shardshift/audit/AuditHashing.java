package io.shardshift.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The canonical form and hash of audit entries, shared by the trail and the verifier. */
final class AuditHashing {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private AuditHashing() {
    }

    /** The entry without its hash, keys sorted, no whitespace. */
    static String canonical(AuditEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("actor", e.actor());
        m.put("details", e.details() == null ? Map.of() : e.details());
        m.put("prevHash", e.prevHash());
        m.put("seq", e.seq());
        m.put("step", e.step());
        m.put("time", e.time());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("audit entry " + e.seq() + " cannot be written as JSON: " + ex.getMessage(), ex);
        }
    }

    /** {@code hex(SHA-256(prevHash + canonical(entry)))}. */
    static String hash(AuditEntry e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(e.prevHash().getBytes(StandardCharsets.UTF_8));
            sha.update(canonical(e).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    static String line(AuditEntry e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("audit entry " + e.seq() + " cannot be written as JSON: " + ex.getMessage(), ex);
        }
    }
}
