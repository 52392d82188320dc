package io.shardshift.verify.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and writes {@link Manifest}s as JSON: written compact with a fixed key order, so the same manifest is
 * always the same bytes and its SHA-256 ({@link #sha256}) identifies it in the audit trail; read strictly, with
 * every problem named by its path ({@code tables[0].targets[1].chunks[3].tenants[0].hash: missing}).
 */
public final class ManifestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.INDENT_OUTPUT, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ManifestJson() {
    }

    /** The manifest as JSON bytes (UTF-8). */
    public static byte[] write(Manifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest as JSON: " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of some bytes (of a manifest file). */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Reads and checks a manifest.
     *
     * @throws IllegalArgumentException naming every problem at once: not JSON, another format, a version this code
     *                                  does not read, a missing or wrong field (with its path)
     */
    public static Manifest read(byte[] json) {
        Manifest m;
        try {
            m = MAPPER.readValue(json, Manifest.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not a manifest: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a manifest: " + e.getMessage());
        }
        List<String> problems = problems(m);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad manifest: " + String.join("; ", problems));
        }
        return m;
    }

    /** Every problem of a manifest, each naming its field's path; empty when it is sound. */
    static List<String> problems(Manifest m) {
        List<String> out = new ArrayList<>();
        if (m == null) {
            return List.of("empty document");
        }
        if (!Manifest.FORMAT.equals(m.format())) {
            out.add("format: expected \"" + Manifest.FORMAT + "\", was " + quoted(m.format()));
        }
        if (m.version() != Manifest.VERSION) {
            out.add("version: " + m.version() + " is not read by this shardshift (it reads version " + Manifest.VERSION + ")");
        }
        if (!Manifest.HASHING.equals(m.hashing())) {
            out.add("hashing: expected \"" + Manifest.HASHING + "\", was " + quoted(m.hashing()));
        }
        required(out, "migration", m.migration());
        required(out, "fenceLsn", m.fenceLsn());
        if (m.tables() == null) {
            out.add("tables: missing");
            return out;
        }
        for (int i = 0; i < m.tables().size(); i++) {
            table(out, "tables[" + i + "]", m.tables().get(i));
        }
        return out;
    }

    private static void table(List<String> out, String path, Manifest.TableEntry t) {
        if (t == null) {
            out.add(path + ": null");
            return;
        }
        required(out, path + ".table", t.table());
        required(out, path + ".shardKey", t.shardKey());
        if (t.columns() == null || t.columns().isEmpty()) {
            out.add(path + ".columns: missing or empty");
        }
        if (t.key() == null || t.key().isEmpty()) {
            out.add(path + ".key: missing or empty");
        } else {
            for (int k = 0; k < t.key().size(); k++) {
                Manifest.KeyColumn c = t.key().get(k);
                required(out, path + ".key[" + k + "].name", c == null ? null : c.name());
                required(out, path + ".key[" + k + "].type", c == null ? null : c.type());
            }
        }
        if (t.targets() == null) {
            out.add(path + ".targets: missing");
            return;
        }
        int keySize = t.key() == null ? 0 : t.key().size();
        for (int j = 0; j < t.targets().size(); j++) {
            Manifest.TargetEntry target = t.targets().get(j);
            String tp = path + ".targets[" + j + "]";
            required(out, tp + ".target", target == null ? null : target.target());
            if (target == null || target.chunks() == null) {
                out.add(tp + ".chunks: missing");
                continue;
            }
            for (int c = 0; c < target.chunks().size(); c++) {
                chunk(out, tp + ".chunks[" + c + "]", target.chunks().get(c), keySize);
            }
        }
    }

    private static void chunk(List<String> out, String path, Manifest.Chunk c, int keySize) {
        if (c == null) {
            out.add(path + ": null");
            return;
        }
        if (c.after() != null && c.after().size() != keySize) {
            out.add(path + ".after: " + c.after().size() + " values for a key of " + keySize + " columns");
        }
        if (c.upTo() != null && c.upTo().size() != keySize) {
            out.add(path + ".upTo: " + c.upTo().size() + " values for a key of " + keySize + " columns");
        }
        if (c.tenants() == null) {
            out.add(path + ".tenants: missing");
            return;
        }
        for (int i = 0; i < c.tenants().size(); i++) {
            Manifest.TenantSum s = c.tenants().get(i);
            String sp = path + ".tenants[" + i + "]";
            if (s == null) {
                out.add(sp + ": null");
                continue;
            }
            if (s.rows() < 1) {
                out.add(sp + ".rows: must be at least 1, was " + s.rows());
            }
            if (s.hash() == null || !s.hash().matches("-?[0-9]+")) {
                out.add(sp + ".hash: expected a decimal, was " + quoted(s.hash()));
            }
        }
    }

    private static void required(List<String> out, String path, String value) {
        if (value == null || value.isBlank()) {
            out.add(path + ": missing");
        }
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
