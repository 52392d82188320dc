package io.shardshift.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import io.shardshift.verify.manifest.Manifest;
import io.shardshift.verify.manifest.ManifestJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Integrity manifests in the audit trail. A cutover's {@link Manifest} is written to a file beside the audit file
 * ({@code manifests/<cutover>-g<generation>.json}, forced to disk) and recorded by an audit entry {@code manifest}
 * with its SHA-256, its file (relative to the audit file's directory) and its totals; a manifest of at most
 * {@value #EMBED_LIMIT} bytes is embedded in the entry too, so the trail (file or topic) alone restores it. The
 * chain then vouches for the manifest: {@link #extract} refuses a file whose hash differs from the entry's.
 *
 * <pre>{@code
 * {"seq":12,"step":"manifest","actor":"cutover","details":{"id":"cutover-1","generation":2,"fenceLsn":"0/3A2B1C8",
 *  "file":"manifests/cutover-1-g2.json","sha256":"5be0...","bytes":1843,"tables":1,"chunks":3,"rows":20000,
 *  "manifest":{...the manifest...}},...}
 * }</pre>
 */
public final class ManifestRecords {
    /** The audit entry's step name. */
    public static final String STEP = "manifest";
    /** The largest manifest embedded in its audit entry, in bytes. */
    public static final int EMBED_LIMIT = 32 * 1024;

    private ManifestRecords() {
    }

    /**
     * Writes the manifest's file and its audit entry.
     *
     * @return the entry's details
     */
    public static Map<String, Object> record(AuditTrail trail, String actor, Manifest manifest) {
        byte[] bytes = ManifestJson.write(manifest);
        String sha = ManifestJson.sha256(bytes);
        String name = "manifests/" + safe(manifest.cutover()) + "-g" + manifest.generation() + ".json";
        Path dir = trail.file().toAbsolutePath().getParent();
        writeDurably(dir.resolve(name), bytes);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("id", manifest.cutover());
        details.put("generation", manifest.generation());
        details.put("fenceLsn", manifest.fenceLsn());
        details.put("file", name);
        details.put("sha256", sha);
        details.put("bytes", bytes.length);
        details.put("tables", manifest.tables().size());
        details.put("chunks", manifest.tables().stream().flatMap(t -> t.targets().stream()).mapToInt(t -> t.chunks().size()).sum());
        details.put("rows", manifest.tables().stream().flatMap(t -> t.targets().stream()).mapToLong(Manifest.TargetEntry::rows).sum());
        if (bytes.length <= EMBED_LIMIT) {
            try {
                details.put("manifest", AuditHashing.JSON.readValue(bytes, new TypeReference<Map<String, Object>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot embed the manifest in its audit entry", e);
            }
        }
        trail.append(actor, STEP, details);
        return details;
    }

    /**
     * The manifest an audit file records, checked against its entry's SHA-256: the embedded copy, or else the file
     * the entry names (relative to the audit file's directory).
     *
     * @param auditFile  the audit file; its chain must be intact
     * @param generation the generation whose manifest to take, or {@code null} for the last one recorded
     * @return the manifest's bytes (as written at cutover)
     * @throws IllegalStateException when the chain is broken, no manifest is recorded, or the manifest found does not
     *                               have the recorded hash
     */
    public static byte[] extract(Path auditFile, Long generation) throws IOException {
        List<String> lines = Files.readAllLines(auditFile);
        AuditVerifier.Result chain = AuditVerifier.verifyLines(lines);
        if (!chain.valid()) {
            throw new IllegalStateException("audit file " + auditFile + " is broken at seq " + chain.firstBrokenSeq() + ": "
                    + chain.reason() + "; its manifests cannot be trusted");
        }
        Optional<AuditEntry> found = Optional.empty();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            AuditEntry e = AuditHashing.JSON.readValue(line, AuditEntry.class);
            if (STEP.equals(e.step()) && (generation == null
                    || String.valueOf(generation).equals(String.valueOf(e.details().get("generation"))))) {
                found = Optional.of(e);
            }
        }
        AuditEntry entry = found.orElseThrow(() -> new IllegalStateException("audit file " + auditFile + " records no "
                + "manifest" + (generation == null ? "" : " of generation " + generation)));
        String sha = String.valueOf(entry.details().get("sha256"));
        byte[] bytes;
        String from;
        if (entry.details().get("manifest") != null) {
            Manifest m = ManifestJson.read(AuditHashing.JSON.writeValueAsBytes(entry.details().get("manifest")));
            bytes = ManifestJson.write(m);
            from = "audit entry " + entry.seq();
        } else {
            Path file = auditFile.toAbsolutePath().getParent().resolve(String.valueOf(entry.details().get("file")));
            bytes = Files.readAllBytes(file);
            from = file.toString();
        }
        String actual = ManifestJson.sha256(bytes);
        if (!actual.equals(sha)) {
            throw new IllegalStateException("the manifest in " + from + " has SHA-256 " + actual + " but audit entry "
                    + entry.seq() + " records " + sha + "; it was altered");
        }
        return bytes;
    }

    private static String safe(String id) {
        return id == null ? "manifest" : id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void writeDurably(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest " + file, e);
        }
    }
}
