package io.shardshift.verify.manifest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ManifestCheckTest {
    private static final Manifest.Chunk CHUNK = new Manifest.Chunk(List.of("10"), List.of("20"), List.of(
            new Manifest.TenantSum("acme", 3, "111"), new Manifest.TenantSum("globex", 2, "222")));

    @Test
    void shouldFindNothingWhenTheCopyHoldsTheSameCountsAndHashesInAnyOrder() {
        Map<String, Manifest.TenantSum> copy = ManifestCheck.ours(List.of(new Manifest.TenantSum("globex", 2, "222"),
                new Manifest.TenantSum("acme", 3, "111")), Map.of(), true, "pg_a", false);

        assertThat(ManifestCheck.compare("public.orders", "pg_a", CHUNK, copy)).isEmpty();
    }

    @Test
    void shouldReportAChangedRowAMissingTenantAndAnExtraTenantWithBothSides() {
        Map<String, Manifest.TenantSum> copy = ManifestCheck.ours(List.of(new Manifest.TenantSum("acme", 3, "112"),
                new Manifest.TenantSum("initech", 1, "5")), Map.of(), true, "pg_a", false);

        List<ManifestCheck.Mismatch> found = ManifestCheck.compare("public.orders", "pg_a", CHUNK, copy);

        assertThat(found).containsExactly(
                new ManifestCheck.Mismatch("public.orders", "pg_a", "(10 .. 20]", "acme", 3, "111", 3, "112"),
                new ManifestCheck.Mismatch("public.orders", "pg_a", "(10 .. 20]", "globex", 2, "222", 0, null),
                new ManifestCheck.Mismatch("public.orders", "pg_a", "(10 .. 20]", "initech", 0, null, 1, "5"));
        assertThat(found.get(0).describe()).isEqualTo("public.orders target pg_a keys (10 .. 20] tenant 'acme': manifest 3"
                + " rows hash 111, copy 3 rows hash 112");
    }

    @Test
    void shouldCheckEachTargetsTenantsInItsOwnChunksWhenTheCopyHoldsTheWholeDataSet() {
        Map<String, Set<String>> owners = Map.of("acme", Set.of("pg_a"), "globex", Set.of("pg_b"));
        List<Manifest.TenantSum> held = List.of(new Manifest.TenantSum("acme", 3, "111"),
                new Manifest.TenantSum("globex", 7, "777"), new Manifest.TenantSum("unknown", 1, "1"));

        assertThat(ManifestCheck.ours(held, owners, false, "pg_a", true)).containsOnlyKeys("acme", "unknown");
        assertThat(ManifestCheck.ours(held, owners, false, "pg_b", false)).containsOnlyKeys("globex");
        assertThat(ManifestCheck.ours(held, owners, true, "pg_b", false)).containsOnlyKeys("acme", "globex", "unknown");
    }

    @Test
    void shouldListEveryTenantUnderTheTargetsThatHoldIt() {
        assertThat(ManifestCheck.tenantTargets(ManifestJsonTest.sample()))
                .containsEntry("acme", Set.of("pg_a")).containsEntry("globex", Set.of("pg_b"))
                .containsEntry(io.shardshift.verify.internal.ShardValues.NULL, Set.of("pg_a"));
    }
}
