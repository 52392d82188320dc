package io.shardshift.verify.replay;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoggedSelectTest {

    @Test
    void shouldReadASolr9RequestLine() {
        String line = "2026-12-07 01:00:00.123 INFO  (qtp1-42) [c:orders s:shard1 r:core_node2 x:orders_shard1_replica_n1 t:]"
                + " o.a.s.c.S.Request webapp=/solr path=/select params={q=status:new&fq=tenant_id:acme&fq=amount:[1+TO+*]"
                + "&sort=created_at+desc&rows=10&wt=javabin&version=2} hits=12 status=0 QTime=3";
        LoggedSelect s = LoggedSelect.parse(line, 7).orElseThrow();
        assertThat(s.collection()).isEqualTo("orders");
        assertThat(s.line()).isEqualTo(7);
        assertThat(s.params()).containsSubsequence(Map.entry("q", "status:new"), Map.entry("fq", "tenant_id:acme"),
                Map.entry("fq", "amount:[1 TO *]"), Map.entry("sort", "created_at desc"), Map.entry("rows", "10"));
    }

    @Test
    void shouldTakeTheCollectionFromTheCoreNameOfAnOlderLine() {
        String line = "INFO  - 2026-12-07 01:00:00.123; [   ] o.a.s.c.S.Request [orders_v1_shard2_replica_n4]  webapp=/solr"
                + " path=/select params={q=*:*&rows=5} hits=100 status=0 QTime=1";
        assertThat(LoggedSelect.parse(line, 1).orElseThrow().collection()).isEqualTo("orders_v1");
    }

    @Test
    void shouldSkipShardSubRequestsFailuresAndOtherPaths() {
        assertThat(LoggedSelect.parse("[c:orders x:orders_shard1_replica_n1] o.a.s.c.S.Request webapp=/solr path=/select"
                + " params={q=*:*&distrib=false&isShard=true&rows=10} hits=3 status=0 QTime=1", 1)).isEmpty();
        assertThat(LoggedSelect.parse("[c:orders x:orders_shard1_replica_n1] o.a.s.c.S.Request webapp=/solr path=/select"
                + " params={q=foo:} status=400 QTime=1", 1)).isEmpty();
        assertThat(LoggedSelect.parse("[c:orders x:orders_shard1_replica_n1] o.a.s.c.S.Request webapp=/solr path=/update"
                + " params={commit=true} status=0 QTime=1", 1)).isEmpty();
        assertThat(LoggedSelect.parse("just some log line", 1)).isEmpty();
    }

    @Test
    void shouldReadAJettyRequestLine() {
        String line = "127.0.0.1 - - [07/Dec/2026:01:00:00 +0000] \"GET /solr/orders/select?q=tenant_id%3Aglobex&rows=10"
                + "&sort=id%20asc HTTP/1.1\" 200 1234";
        LoggedSelect s = LoggedSelect.parse(line, 3).orElseThrow();
        assertThat(s.collection()).isEqualTo("orders");
        assertThat(s.param("q")).hasValue("tenant_id:globex");
        assertThat(s.param("sort")).hasValue("id asc");
        assertThat(LoggedSelect.parse(line.replace("\" 200 ", "\" 500 "), 3)).isEmpty();
    }

    @Test
    void shouldReadOldAndNewEndpointsOrNameWhatIsMissing() {
        assertThat(SolrEndpoint.parse("--new", "http://solr:8983/solr/orders_v3/", null))
                .isEqualTo(new SolrEndpoint("http://solr:8983/solr", "orders_v3"));
        assertThat(SolrEndpoint.parse("--new", "orders_v3", "http://solr:8983/solr/"))
                .isEqualTo(new SolrEndpoint("http://solr:8983/solr", "orders_v3"));
        assertThat(SolrEndpoint.parse("--old", null, "http://solr:8983/solr").collectionFor("orders")).isEqualTo("orders");
        assertThatThrownBy(() -> SolrEndpoint.parse("--new", "orders_v3", null)).hasMessageStartingWith("--new:");
        assertThatThrownBy(() -> SolrEndpoint.parse("--old", null, null)).hasMessageStartingWith("--old:");
    }
}
