package io.shardshift.topologydocs;

import io.shardshift.engine.topology.ApplyTopology;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

class TopologyDocsTest {

    @Test
    void shouldMatchTheCommittedTopologyDocs() throws IOException {
        Path file = TopologyDocs.repositoryRoot(Path.of("")).resolve(TopologyDocs.DOCS_FILE);
        String expected = TopologyDocs.render();

        if (!Files.exists(file)) {
            fail(TopologyDocs.DOCS_FILE + " is missing; generate it from the repository root with: "
                    + TopologyDocs.REGENERATE_COMMAND);
        }
        String committed = Files.readString(file, StandardCharsets.UTF_8);
        if (!committed.equals(expected)) {
            fail(TopologyDocs.DOCS_FILE + " is stale: the apply topology changed. Regenerate it from the repository"
                    + " root with: " + TopologyDocs.REGENERATE_COMMAND + "\n--- expected ---\n" + expected);
        }
    }

    @Test
    void shouldDescribeTheRealTopologyAndDrawItsNodesAndStore() {
        String doc = TopologyDocs.render();

        assertThat(doc).contains(TopologyDocs.sampleTopology().describe().toString().strip());
        assertThat(doc).contains("```mermaid\nflowchart LR\n")
                .contains("topic_shardshift_demo_changes_public_orders[/\"shardshift.demo.changes.public.orders\"/]")
                .contains("topic_shardshift_demo_changes_public_orders --> node_change_topics")
                .contains("node_change_topics --> node_apply_changes")
                .contains("node_apply_changes -.- store_apply_pending_writes")
                .contains("store_apply_pending_writes[(\"" + ApplyTopology.STORE + "\")]")
                .doesNotContain("-repartition");
    }

    @Test
    void shouldFindTheRepositoryRootFromAModuleDirectory() {
        Path root = TopologyDocs.repositoryRoot(Path.of(""));
        assertThat(TopologyDocs.repositoryRoot(root.resolve("topology-docs/src"))).isEqualTo(root);
        assertThat(root.resolve("topology-docs/pom.xml")).exists();
    }
}
