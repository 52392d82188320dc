package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/** The catalogue rendered for the README and the command line; the README's section is current. */
class SpecDocTest {

    @Test
    void shouldMatchTheCommittedReadmeSection() throws IOException {
        Path file = SpecDocWriter.repositoryRoot(Path.of("")).resolve(SpecDocWriter.README);
        String committed = Files.readString(file, StandardCharsets.UTF_8);

        if (!committed.equals(SpecDocWriter.updated(committed))) {
            fail(SpecDocWriter.README + " has a stale spec section: the spec keys changed. Regenerate it from the"
                    + " repository root with: " + SpecDocWriter.REGENERATE_COMMAND + "\n--- expected ---\n"
                    + SpecDocWriter.section());
        }
    }

    @Test
    void shouldRenderEveryKeyAsAMarkdownRow() {
        String md = SpecDoc.markdown();

        assertThat(md).startsWith("| Key | Type | Default | Description |\n|---|---|---|---|\n")
                .contains("| `cutover.stableFor` | duration | `5s` | ...held for this long. |\n")
                .contains("| `source.jdbcUrl` | JDBC URL | **required** |")
                .contains("| `kafka.topicPrefix` | string | `shardshift.<name>` |");
        assertThat(md.lines().count()).isEqualTo(SpecKeys.all().size() + 2);
    }

    @Test
    void shouldEscapeAPipeInAMarkdownCell() {
        String md = SpecDoc.markdown(List.of(SpecKey.optional("a", "x | y", "one | two")));

        assertThat(md).contains("| `a` | x \\| y |  | one \\| two |");
    }

    @Test
    void shouldRenderEveryKeyAsPlainText() {
        String text = SpecDoc.text();

        assertThat(text).contains("cutover.stableFor (duration, default 5s)\n    ...held for this long.\n")
                .contains("name (string, required)\n")
                .contains("tenants (list of strings)\n")
                .doesNotContain("`");
    }

    @Test
    void shouldReplaceOnlyTheGeneratedSection() {
        String readme = "# Title\n\nprose before\n" + SpecDocWriter.BEGIN + "\nOLD-SECTION\n" + SpecDocWriter.END + "\nprose after\n";

        String updated = SpecDocWriter.updated(readme);

        assertThat(updated).startsWith("# Title\n\nprose before\n" + SpecDocWriter.BEGIN)
                .endsWith(SpecDocWriter.END + "\nprose after\n").contains(SpecDoc.markdown()).doesNotContain("OLD-SECTION");
        assertThat(SpecDocWriter.updated(updated)).isEqualTo(updated);
        assertThatThrownBy(() -> SpecDocWriter.updated("# no markers")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SpecDocWriter.BEGIN);
    }
}
