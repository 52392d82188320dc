package io.shardshift.devstack;

import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.GenericSolrRequest;
import org.apache.solr.client.solrj.SolrRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DevSolrIT {

    @Test
    void shouldStartLiveNodesReachableThroughZooKeeperAndHttpAndCleanUpOnClose() throws Exception {
        Path baseDir;
        try (DevSolr solr = DevSolr.start(2)) {
            baseDir = solr.baseDir();
            assertThat(solr.zkHost()).endsWith("/solr");
            assertThat(solr.baseUrls()).hasSize(2).allSatisfy(url -> assertThat(url).startsWith("http://127.0.0.1:"));
            assertThat(solr.client().getClusterStateProvider().getLiveNodes()).hasSize(2);

            try (CloudSolrClient other = solr.newClient()) {
                assertThat(CollectionAdminRequest.listCollections(other)).isEmpty();
            }
            for (String url : solr.baseUrls()) {
                try (Http2SolrClient http = new Http2SolrClient.Builder(url).build()) {
                    var info = http.request(new GenericSolrRequest(SolrRequest.METHOD.GET, "/admin/info/system"));
                    assertThat(info.get("mode")).isEqualTo("solrcloud");
                }
            }
        }
        assertThat(Files.exists(baseDir)).isFalse();
    }

    @Test
    void shouldRunTheClusterInAChildJvmThatStopsNodesOnRequestAndExitsWhenClosed() throws Exception {
        Path baseDir;
        long childPid;
        try (DevSolr solr = DevSolr.startOutOfProcess(2)) {
            baseDir = solr.baseDir();
            childPid = solr.childPid().orElseThrow();
            assertThat(childPid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(ProcessHandle.of(childPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            assertThat(solr.zkHost()).endsWith("/solr");
            assertThat(solr.baseUrls()).hasSize(2);
            assertThat(solr.client().getClusterStateProvider().getLiveNodes()).hasSize(2);

            solr.stopNode(1);
            try (CloudSolrClient other = solr.newClient()) {
                assertThat(other.getClusterStateProvider().getLiveNodes()).hasSize(1);
            }
            solr.restartNode(1);
            try (CloudSolrClient other = solr.newClient()) {
                assertThat(other.getClusterStateProvider().getLiveNodes()).hasSize(2);
            }
        }
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(baseDir)).isFalse();
    }

    @Test
    void shouldExitWhenItsParentGoesAwayAndItsInputEnds() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DevSolrMain.class.getName(), "1")
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(DevSolrMain.READY)) {
                // the addresses and Solr's own output
            }
            assertThat(line).isEqualTo(DevSolrMain.READY);
            child.getOutputStream().close();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exited after its input ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
    }
}
