package io.shardshift.sink.solr;

import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Builds the SolrCloud client of a search target. */
public final class SolrClients {
    /** The longest wait to connect in {@link #forApply}: short, so a recovered node is seen soon. */
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private SolrClients() {
    }

    /**
     * A cloud client for the target's cluster: through ZooKeeper when {@code zkHost} is set (it watches
     * cluster state and aliases), else through the Solr URLs. Updates go to shard leaders. The caller closes it.
     */
    public static CloudSolrClient forTarget(SolrTargetConfig config) {
        if (!config.solrUrls().isEmpty()) {
            return new CloudHttp2SolrClient.Builder(config.solrUrls()).build();
        }
        return forZkHost(config.zkHost());
    }

    /**
     * As {@link #forTarget}, for apply's writes: a request that gets no answer fails after {@code timeout}, and a
     * connection attempt after at most 10 s (a stalled network then fails the write, to be tried again,
     * instead of hanging it).
     */
    public static CloudSolrClient forApply(SolrTargetConfig config, Duration timeout) {
        Http2SolrClient.Builder http = new Http2SolrClient.Builder()
                .withConnectionTimeout(Math.min(CONNECT_TIMEOUT_MS, timeout.toMillis()), TimeUnit.MILLISECONDS)
                .withIdleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .withRequestTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        CloudHttp2SolrClient.Builder builder;
        if (!config.solrUrls().isEmpty()) {
            builder = new CloudHttp2SolrClient.Builder(config.solrUrls());
        } else {
            ZkHost zk = ZkHost.parse(config.zkHost());
            builder = new CloudHttp2SolrClient.Builder(zk.hosts(), zk.chroot());
        }
        return builder.withInternalClientBuilder(http).build();
    }

    /** A cloud client for a ZooKeeper connect string with optional chroot, e.g. {@code zk1:2181,zk2:2181/solr}. */
    public static CloudSolrClient forZkHost(String zkHost) {
        ZkHost zk = ZkHost.parse(zkHost);
        return new CloudHttp2SolrClient.Builder(zk.hosts(), zk.chroot()).build();
    }

    private record ZkHost(List<String> hosts, Optional<String> chroot) {
        static ZkHost parse(String zkHost) {
            String s = zkHost.trim();
            int slash = s.indexOf('/');
            String hosts = slash < 0 ? s : s.substring(0, slash);
            Optional<String> chroot = slash < 0 || slash == s.length() - 1 ? Optional.empty() : Optional.of(s.substring(slash));
            List<String> hostList = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
            if (hostList.isEmpty()) {
                throw new IllegalArgumentException("zkHost '" + zkHost + "' names no ZooKeeper host");
            }
            return new ZkHost(hostList, chroot);
        }
    }
}
