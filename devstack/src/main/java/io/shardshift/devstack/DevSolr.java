package io.shardshift.devstack;

import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * A real SolrCloud on this machine: one in-JVM ZooKeeper and {@code nodes} Solr nodes on Jetty, started by
 * Solr's own {@link MiniSolrCloudCluster} (about 3.5 s for two nodes), in a fresh temporary directory that
 * {@link #close()} deletes.
 *
 * <p>Works from a plain {@code main} or JUnit 5: it sets the few system properties Solr's test framework
 * otherwise expects from its JUnit 4 runner, and keeps Solr and ZooKeeper logging at ERROR and Jetty at
 * WARN (slf4j-simple's {@code org.slf4j.simpleLogger.log.*} system properties, set only when absent).
 * No configset is preloaded: upload one (the Configsets API's UPLOAD) before creating a collection.
 *
 * <pre>{@code
 * try (DevSolr solr = DevSolr.start(2)) {
 *     CloudSolrClient client = solr.client();
 *     new ConfigSetAdminRequest.Upload().setConfigSetName("orders_v1").setUploadFile(zip, "application/zip")
 *             .process(client);
 *     CollectionAdminRequest.createCollection("orders_v1", "orders_v1", 2, 1).process(client);
 * }
 * }</pre>
 */
public final class DevSolr implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevSolr.class);
    private static final int START_TIMEOUT_SECONDS = 60;
    /** Held so the JUL level set on Jersey's logger is not garbage collected with the logger. */
    private static final java.util.logging.Logger JERSEY_JUL = java.util.logging.Logger.getLogger("org.glassfish.jersey");

    private final MiniSolrCloudCluster cluster;
    private final Path baseDir;
    private final CloudSolrClient client;
    /** The nodes in start order; the cluster's own list drops a node while it is stopped. */
    private final List<JettySolrRunner> nodes;

    private DevSolr(MiniSolrCloudCluster cluster, Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.nodes = List.copyOf(cluster.getJettySolrRunners());
        this.client = newClient();
    }

    /**
     * Starts ZooKeeper and {@code nodes} Solr nodes and waits until every node is live.
     *
     * @param nodes the number of Solr nodes, at least 1
     * @throws IllegalStateException when the cluster does not start
     */
    public static DevSolr start(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("devsolr");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for SolrCloud", e);
        }
        prepareSystemProperties();
        long started = System.nanoTime();
        try {
            MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(nodes, baseDir,
                    MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML, JettyConfig.builder().build());
            DevSolr solr;
            try {
                cluster.waitForAllNodes(START_TIMEOUT_SECONDS);
                solr = new DevSolr(cluster, baseDir);
            } catch (Exception e) {
                cluster.shutdown();
                throw e;
            }
            LOG.info("SolrCloud with {} node(s) up in {} ms, zkHost={}", nodes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), solr.zkHost());
            return solr;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(baseDir);
            throw new IllegalStateException("interrupted while starting SolrCloud", e);
        } catch (Exception e) {
            deleteQuietly(baseDir);
            throw new IllegalStateException("SolrCloud did not start in " + baseDir + ": " + e.getMessage(), e);
        }
    }

    /** The ZooKeeper connect string with Solr's chroot, e.g. {@code 127.0.0.1:41235/solr}. */
    public String zkHost() {
        return cluster.getZkServer().getZkAddress();
    }

    /** The ZooKeeper {@code host:port} without the chroot. */
    public String zkHostPort() {
        return cluster.getZkServer().getZkHost();
    }

    /** The base URL of each node, e.g. {@code http://127.0.0.1:40123/solr}. */
    public List<String> baseUrls() {
        List<String> urls = new ArrayList<>();
        for (JettySolrRunner jetty : nodes) {
            urls.add(jetty.getBaseUrl().toString());
        }
        return urls;
    }

    /** A client shared by callers of this cluster, routed through ZooKeeper; closed by {@link #close()}. */
    public CloudSolrClient client() {
        return client;
    }

    /** A new client routed through ZooKeeper; the caller closes it. */
    public CloudSolrClient newClient() {
        return new CloudHttp2SolrClient.Builder(List.of(zkHostPort()), Optional.of("/solr")).build();
    }

    /**
     * Stops one Solr node (ZooKeeper and the other nodes stay up), e.g. to test retries.
     *
     * @param index the node's index, 0-based, in {@link #baseUrls()} order
     */
    public void stopNode(int index) {
        try {
            JettySolrRunner jetty = nodes.get(index);
            cluster.stopJettySolrRunner(jetty);
            cluster.waitForJettyToStop(jetty);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Solr node " + index + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a node stopped by {@link #stopNode(int)} again, on its old port, and waits until it is live.
     *
     * @param index the node's index, 0-based
     */
    public void restartNode(int index) {
        try {
            JettySolrRunner jetty = nodes.get(index);
            cluster.startJettySolrRunner(jetty, true);
            cluster.waitForNode(jetty, START_TIMEOUT_SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart Solr node " + index + ": " + e.getMessage(), e);
        }
    }

    /** The directory the cluster keeps its data in. */
    public Path baseDir() {
        return baseDir;
    }

    /** Stops the nodes and ZooKeeper and deletes the data directory. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.warn("closing the Solr client failed: {}", e.toString());
        }
        try {
            cluster.shutdown();
        } catch (Exception e) {
            LOG.warn("SolrCloud shutdown failed: {}", e.toString());
        } finally {
            deleteQuietly(baseDir);
        }
    }

    private static void prepareSystemProperties() {
        Path logs = Path.of(System.getProperty("java.io.tmpdir"), "devsolr-logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logs, e);
        }
        setIfAbsent("solr.log.dir", logs.toString());
        setIfAbsent("zookeeper.4lw.commands.whitelist", "*");
        setIfAbsent("tests.zk.violationReportAction", "IGNORE");
        for (String logger : List.of("org.apache.solr", "org.apache.zookeeper", "org.apache.curator")) {
            setIfAbsent("org.slf4j.simpleLogger.log." + logger, "error");
        }
        for (String logger : List.of("org.eclipse.jetty", "org.glassfish")) {
            setIfAbsent("org.slf4j.simpleLogger.log." + logger, "warn");
        }
        JERSEY_JUL.setLevel(Level.SEVERE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
