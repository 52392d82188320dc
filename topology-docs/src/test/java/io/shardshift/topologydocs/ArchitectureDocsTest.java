package io.shardshift.topologydocs;

import io.shardshift.topologydocs.ArchitectureDocs.Module;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

class ArchitectureDocsTest {
    private final Path root = ArchitectureDocs.repositoryRoot(Path.of(""));

    @Test
    void shouldMatchTheCommittedModuleGraph() throws IOException {
        Path file = root.resolve(ArchitectureDocs.DOCS_FILE);
        if (!Files.exists(file)) {
            fail(ArchitectureDocs.DOCS_FILE + " is missing");
        }
        String committed = Files.readString(file, StandardCharsets.UTF_8);
        String generated = ArchitectureDocs.render(ArchitectureDocs.modules(root));
        if (!committed.equals(ArchitectureDocs.update(committed, generated))) {
            fail(ArchitectureDocs.DOCS_FILE + " is stale: the modules or their dependencies changed. Regenerate it"
                    + " from the repository root with: " + ArchitectureDocs.REGENERATE_COMMAND
                    + "\n--- expected between the markers ---\n" + generated);
        }
    }

    @Test
    void shouldReadEveryModuleWithItsNonTestDependencies() {
        List<Module> modules = ArchitectureDocs.modules(root);

        assertThat(modules).extracting(Module::dir).startsWith("core").contains("cutover", "migrator", "topology-docs");
        Module cutover = modules.stream().filter(m -> m.dir().equals("cutover")).findFirst().orElseThrow();
        assertThat(cutover.dependencies()).contains("shardshift-engine")
                .doesNotContain("shardshift-devstack", "shardshift-testkit");
        assertThat(cutover.testHarness()).isFalse();
        assertThat(modules).filteredOn(Module::testHarness).extracting(Module::dir)
                .containsExactlyInAnyOrder("devstack", "testkit", "tools");
    }

    @Test
    void shouldDrawAnEdgePerDependencyAndMarkTheHarness() {
        String part = ArchitectureDocs.render(List.of(
                new Module("core", "shardshift-core", "Domain.", false, List.of()),
                new Module("sink-pg", "shardshift-sink-pg", "PG | sink.", false, List.of("shardshift-core")),
                new Module("devstack", "shardshift-devstack", "Stack.", true, List.of("shardshift-core"))));

        assertThat(part).startsWith(ArchitectureDocs.BEGIN).endsWith(ArchitectureDocs.END)
                .contains("```mermaid\nflowchart TD\n")
                .contains("    sink_pg[\"sink-pg\"]\n")
                .contains("    sink_pg --> core\n", "    devstack --> core\n")
                .contains("    class devstack harness\n")
                .contains("| `sink-pg` | shardshift-sink-pg | PG \\| sink. |");
        assertThatThrownBy(() -> ArchitectureDocs.render(List.of(
                new Module("core", "shardshift-core", "", false, List.of("shardshift-nope")))))
                .hasMessageContaining("shardshift-nope");
    }

    @Test
    void shouldReplaceOnlyTheGeneratedPart() {
        String doc = "# Title\n\n" + ArchitectureDocs.BEGIN + "\nold\n" + ArchitectureDocs.END + "\n\nhand-written\n";

        assertThat(ArchitectureDocs.update(doc, ArchitectureDocs.BEGIN + "\nnew\n" + ArchitectureDocs.END))
                .isEqualTo("# Title\n\n" + ArchitectureDocs.BEGIN + "\nnew\n" + ArchitectureDocs.END + "\n\nhand-written\n");
        assertThatThrownBy(() -> ArchitectureDocs.update("# no markers\n", "x"))
                .hasMessageContaining(ArchitectureDocs.BEGIN);
    }
}
