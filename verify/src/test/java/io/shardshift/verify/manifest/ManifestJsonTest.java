package io.shardshift.verify.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestJsonTest {

    static Manifest sample() {
        Manifest.TargetEntry a = new Manifest.TargetEntry("pg_a", "795:795:", 3, List.of(
                new Manifest.Chunk(null, List.of("2"), List.of(new Manifest.TenantSum("acme", 2, "-381726354501727361"))),
                new Manifest.Chunk(List.of("2"), null, List.of(new Manifest.TenantSum(null, 1, "42")))));
        Manifest.TargetEntry b = new Manifest.TargetEntry("pg_b", "801:801:", 1, List.of(
                new Manifest.Chunk(null, null, List.of(new Manifest.TenantSum("globex", 1, "99999999999999999999")))));
        Manifest.TableEntry orders = new Manifest.TableEntry("public.orders", "tenant_id", List.of("id", "tenant_id", "note"),
                List.of(new Manifest.KeyColumn("id", "bigint")), List.of(a, b));
        return new Manifest(Manifest.FORMAT, Manifest.VERSION, "orders_reshard", "cutover-1", 2, "0/3A2B1C8",
                "2026-12-07T02:10:00Z", Manifest.HASHING, 2, List.of(orders));
    }

    @Test
    void shouldReadBackWhatItWroteAsTheSameBytes() {
        byte[] bytes = ManifestJson.write(sample());

        Manifest read = ManifestJson.read(bytes);

        assertThat(read).isEqualTo(sample());
        assertThat(ManifestJson.write(read)).isEqualTo(bytes);
        assertThat(ManifestJson.sha256(bytes)).hasSize(64).isEqualTo(ManifestJson.sha256(ManifestJson.write(read)));
    }

    @Test
    void shouldWriteTheDocumentedFieldsInTheirOrderWithNullBoundsAndNullTenants() {
        String json = new String(ManifestJson.write(sample()), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"format\":\"shardshift-manifest\",\"version\":1,\"migration\":\"orders_reshard\","
                + "\"cutover\":\"cutover-1\",\"generation\":2,\"fenceLsn\":\"0/3A2B1C8\",\"takenAt\":\"2026-12-07T02:10:00Z\","
                + "\"hashing\":\"pg-hashtextextended-row-text-sum/1\",\"chunkRows\":2,\"tables\":[{\"table\":\"public.orders\"");
        assertThat(json).contains("{\"after\":null,\"upTo\":[\"2\"],\"tenants\":[{\"tenant\":\"acme\",\"rows\":2,"
                + "\"hash\":\"-381726354501727361\"}]}", "{\"tenant\":null,\"rows\":1,\"hash\":\"42\"}");
    }

    @Test
    void shouldNameEveryProblemWithItsPathAtOnce() {
        String json = new String(ManifestJson.write(sample()), StandardCharsets.UTF_8)
                .replace("\"version\":1", "\"version\":2")
                .replace("\"hash\":\"42\"", "\"hash\":null")
                .replace("\"upTo\":[\"2\"]", "\"upTo\":[\"2\",\"3\"]")
                .replace("\"shardKey\":\"tenant_id\",", "");

        assertThatThrownBy(() -> ManifestJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version: 2 is not read by this shardshift (it reads version 1)")
                .hasMessageContaining("tables[0].shardKey: missing")
                .hasMessageContaining("tables[0].targets[0].chunks[0].upTo: 2 values for a key of 1 columns")
                .hasMessageContaining("tables[0].targets[0].chunks[1].tenants[0].hash: expected a decimal, was nothing");
    }

    @Test
    void shouldRefuseSomethingThatIsNotAManifest() {
        assertThatThrownBy(() -> ManifestJson.read("{\"format\":\"other\",\"version\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("format: expected \"shardshift-manifest\", was \"other\"")
                .hasMessageContaining("tables: missing");
        assertThatThrownBy(() -> ManifestJson.read("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not a manifest: ");
    }

    @Test
    void shouldPrintKeyRangesAsHalfOpenIntervals() {
        assertThat(new Manifest.Chunk(null, List.of("2"), List.of()).range()).isEqualTo("(-inf .. 2]");
        assertThat(new Manifest.Chunk(List.of("2", "b"), null, List.of()).range()).isEqualTo("(2,b .. +inf)");
        assertThat(Arrays.asList(new Manifest.Chunk(List.of("1"), List.of("5"), List.of()).range())).containsExactly("(1 .. 5]");
    }
}
