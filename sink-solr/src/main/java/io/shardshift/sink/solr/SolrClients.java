package io.shardshift.sink.solr;

import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Builds the SolrCloud client of a search target. */
public final class SolrClients {
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

    /** A cloud client for a ZooKeeper connect string with optional chroot, e.g. {@code zk1:2181,zk2:2181/solr}. */
    public static CloudSolrClient forZkHost(String zkHost) {
        String s = zkHost.trim();
        int slash = s.indexOf('/');
        String hosts = slash < 0 ? s : s.substring(0, slash);
        Optional<String> chroot = slash < 0 || slash == s.length() - 1 ? Optional.empty() : Optional.of(s.substring(slash));
        List<String> hostList = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
        if (hostList.isEmpty()) {
            throw new IllegalArgumentException("zkHost '" + zkHost + "' names no ZooKeeper host");
        }
        return new CloudHttp2SolrClient.Builder(hostList, chroot).build();
    }
}
