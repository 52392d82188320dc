package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The rules of a search target, checked once when the spec is loaded (the Solr sink takes the result). */
class SearchTargetRulesTest {
    private static final String SPEC = SpecLoaderTest.VALID + SpecLoaderTest.SEARCH;

    private static SpecException problemsOf(String from, String to) {
        String yaml = SPEC.replace(from, to);
        return catchThrowableOfType(SpecException.class, () -> SpecLoader.parse(yaml, SpecLoaderTest.ENV));
    }

    @Test
    void shouldRequireExactlyOneWayToReachSolr() {
        assertThat(problemsOf("    zkHost: 127.0.0.1:2181/solr\n", "")).hasMessage(
                "search[0]: give exactly one of zkHost or solrUrls");
        assertThat(problemsOf("    zkHost: 127.0.0.1:2181/solr\n",
                "    zkHost: 127.0.0.1:2181/solr\n    solrUrls: [\"http://solr:8983/solr\"]\n"))
                .hasMessageContaining("exactly one of zkHost or solrUrls");
    }

    @Test
    void shouldNameTheFieldOfABadValue() {
        assertThat(problemsOf("version: 2", "version: 0")).hasMessage("search[0].version: must be at least 1, was 0");
        assertThat(problemsOf("version: 2", "version: 2\n    shards: 0"))
                .hasMessage("search[0].shards: must be at least 1, was 0");
        assertThat(problemsOf("version: 2", "version: 2\n    replicas: 0"))
                .hasMessage("search[0].replicas: must be at least 1, was 0");
        assertThat(problemsOf("version: 2", "version: 2\n    commitWithinMs: 0"))
                .hasMessage("search[0].commitWithinMs: must be at least 1, was 0");
        assertThat(problemsOf("collection: orders", "collection: \"bad name\""))
                .hasMessageContaining("search[0].collection").hasMessageContaining("'bad name'");
        assertThat(problemsOf("table: public.orders", "table: a.b.c")).hasMessageContaining("search[0].table");
        assertThat(problemsOf("version: 2", "version: 2\n    shardKey: " + "k".repeat(64)))
                .hasMessageContaining("search[0].shardKey");
        assertThat(problemsOf("hotTenants: {big: 1}", "hotTenants: {big: 17}"))
                .hasMessage("search[0].hotTenants.big: must be routing bits from 0 to 16, was 17");
        assertThat(problemsOf("column: amount", "column: " + "c".repeat(64))).hasMessageContaining("search[0].fields[0].column");
    }

    @Test
    void shouldListEveryProblemOfASearchTarget() {
        SpecException e = problemsOf("version: 2", "version: 0\n    shards: 0\n    replicas: -1");

        assertThat(e.problems()).extracting(SpecException.Problem::field)
                .containsExactly("search[0].version", "search[0].shards", "search[0].replicas");
    }

    @Test
    void shouldAcceptTheSearchTargetsOfAValidSpec() {
        assertThat(SpecValidator.problems(SpecLoader.parse(SPEC, SpecLoaderTest.ENV))).isEmpty();
    }
}
