package io.shardshift.sink.solr.internal;

import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.BaseHttpSolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.util.NamedList;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SolrErrorsTest {

    @Test
    void shouldTreatBadRequestsAsPermanent() {
        assertThat(SolrErrors.isPermanent(remote(400))).isTrue();
        assertThat(SolrErrors.isPermanent(new SolrServerException("wrapped", remote(400)))).isTrue();
        assertThat(SolrErrors.isPermanent(route(remote(503), remote(400)))).isTrue();
    }

    @Test
    void shouldTreatServerConnectionAndLeaderErrorsAsTransient() {
        assertThat(SolrErrors.isPermanent(remote(503))).isFalse();
        assertThat(SolrErrors.isPermanent(remote(500))).isFalse();
        assertThat(SolrErrors.isPermanent(remote(409))).isFalse();
        assertThat(SolrErrors.isPermanent(remote(429))).isFalse();
        assertThat(SolrErrors.isPermanent(new SolrServerException(new ConnectException("refused")))).isFalse();
        assertThat(SolrErrors.isPermanent(new IOException("reset"))).isFalse();
        assertThat(SolrErrors.isPermanent(route(remote(503)))).isFalse();
        assertThat(SolrErrors.isPermanent(new SolrException(SolrException.ErrorCode.BAD_REQUEST,
                "Collection not found: orders_v9"))).isFalse();
    }

    @Test
    void shouldTakeAnExpiredZooKeeperSessionForAnOutageNotABadDocument() {
        // what the cloud client throws after its ZooKeeper session expired while the host was paused
        SolrException expired = new SolrException(SolrException.ErrorCode.BAD_REQUEST,
                "Could not load collection from ZK: orders_v1",
                new org.apache.zookeeper.KeeperException.SessionExpiredException());
        assertThat(SolrErrors.isPermanent(expired)).isFalse();
        assertThat(SolrErrors.isOutage(expired)).isTrue();
        assertThat(SolrErrors.isPermanent(route(expired))).isFalse();
        assertThat(SolrErrors.isOutage(new SolrServerException(new org.apache.zookeeper.KeeperException.ConnectionLossException())))
                .isTrue();
    }

    @Test
    void shouldTakeNoAnswerAndServerErrorsForAnOutage() {
        assertThat(SolrErrors.isOutage(new SolrServerException(new ConnectException("refused")))).isTrue();
        assertThat(SolrErrors.isOutage(new IOException("reset"))).isTrue();
        assertThat(SolrErrors.isOutage(remote(503))).isTrue();
        assertThat(SolrErrors.isOutage(route(remote(503)))).isTrue();
    }

    @Test
    void shouldNotTakeDocumentErrorsOrAMissingCollectionForAnOutage() {
        assertThat(SolrErrors.isOutage(remote(400))).isFalse();
        assertThat(SolrErrors.isOutage(remote(409))).isFalse();
        assertThat(SolrErrors.isOutage(remote(429))).isFalse();
        assertThat(SolrErrors.isOutage(new SolrException(SolrException.ErrorCode.BAD_REQUEST,
                "Collection not found: orders_v9"))).isFalse();
    }

    private static SolrException remote(int code) {
        return new BaseHttpSolrClient.RemoteSolrException("http://solr", code, "status " + code, null);
    }

    private static CloudSolrClient.RouteException route(SolrException... perShard) {
        NamedList<Throwable> errors = new NamedList<>();
        for (int i = 0; i < perShard.length; i++) {
            errors.add("shard" + (i + 1), perShard[i]);
        }
        return new CloudSolrClient.RouteException(SolrException.ErrorCode.getErrorCode(perShard[0].code()), errors, Map.of());
    }
}
