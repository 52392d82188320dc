package io.shardshift.audit;

import io.shardshift.verify.manifest.Manifest;
import io.shardshift.verify.manifest.ManifestJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestRecordsTest {

    private static Manifest manifest(int chunks, long generation) {
        List<Manifest.Chunk> list = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            list.add(new Manifest.Chunk(i == 0 ? null : List.of(String.valueOf(i * 100)),
                    i == chunks - 1 ? null : List.of(String.valueOf((i + 1) * 100)),
                    List.of(new Manifest.TenantSum("acme", 60, String.valueOf(1_000_000L * i - 7)),
                            new Manifest.TenantSum("globex", 40, String.valueOf(-3 * i)))));
        }
        Manifest.TableEntry t = new Manifest.TableEntry("public.orders", "tenant_id", List.of("id", "tenant_id"),
                List.of(new Manifest.KeyColumn("id", "bigint")), List.of(new Manifest.TargetEntry("pg_a", "1:1:", 100L * chunks, list)));
        return new Manifest(Manifest.FORMAT, Manifest.VERSION, "m", "cutover-1", generation, "0/16B3748",
                "2026-12-07T02:10:00Z", Manifest.HASHING, 100, List.of(t));
    }

    @Test
    void shouldEmbedASmallManifestAndGiveBackItsExactBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditTrail trail = AuditTrail.toFile(file)) {
            trail.append("cutover", "done", Map.of("id", "cutover-1"));
            Map<String, Object> details = ManifestRecords.record(trail, "cutover", manifest(3, 2));
            assertThat(details).containsKey("manifest").containsEntry("file", "manifests/cutover-1-g2.json")
                    .containsEntry("chunks", 3).containsEntry("rows", 300L);
        }
        byte[] expected = ManifestJson.write(manifest(3, 2));

        assertThat(ManifestRecords.extract(file, null)).isEqualTo(expected);
        Files.delete(dir.resolve("manifests/cutover-1-g2.json"));
        assertThat(ManifestRecords.extract(file, 2L)).as("from the entry alone").isEqualTo(expected);
        assertThat(AuditVerifier.verifyFile(file).valid()).isTrue();
    }

    @Test
    void shouldReferenceALargeManifestByFileAndRefuseItOnceAltered(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        Manifest large = manifest(400, 3);
        try (AuditTrail trail = AuditTrail.toFile(file)) {
            ManifestRecords.record(trail, "cutover", manifest(2, 2));
            Map<String, Object> details = ManifestRecords.record(trail, "cutover", large);
            assertThat(details).doesNotContainKey("manifest");
            assertThat((Integer) details.get("bytes")).isGreaterThan(ManifestRecords.EMBED_LIMIT);
        }
        assertThat(ManifestRecords.extract(file, null)).isEqualTo(ManifestJson.write(large));
        assertThat(ManifestRecords.extract(file, 2L)).isEqualTo(ManifestJson.write(manifest(2, 2)));

        Path stored = dir.resolve("manifests/cutover-1-g3.json");
        Files.writeString(stored, Files.readString(stored).replace("\"rows\":60", "\"rows\":61"));
        assertThatThrownBy(() -> ManifestRecords.extract(file, 3L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it was altered");
        assertThatThrownBy(() -> ManifestRecords.extract(file, 7L)).hasMessageContaining("records no manifest of generation 7");
    }

    @Test
    void shouldRefuseAManifestFromABrokenChain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditTrail trail = AuditTrail.toFile(file)) {
            ManifestRecords.record(trail, "cutover", manifest(2, 2));
        }
        Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8).replace("\"rows\":60", "\"rows\":61"));

        assertThatThrownBy(() -> ManifestRecords.extract(file, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is broken at seq 1");
    }
}
