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

    /** Where the cluster runs: in this JVM, or in a child JVM of its own ({@link SolrChildProcess}). */
    interface Nodes {
        String zkHost();

        String zkHostPort();

        List<String> baseUrls();

        void stopNode(int index);

        void restartNode(int index);

        Path baseDir();

        void shutdown();
    }

    private final Nodes nodes;
    private final CloudSolrClient client;

    DevSolr(Nodes nodes) {
        this.nodes = nodes;
        this.client = newClient();
    }

    /**
     * Starts ZooKeeper and {@code nodes} Solr nodes in a child JVM of their own (this JVM's {@code java} and
     * class path, main class {@link DevSolrMain}) and waits until every node is live, so Solr's indexing and
     * merges use their own heap and threads, not the caller's. The child stops when {@link #close()} closes
     * its standard input, and also when this JVM dies (its standard input ends). Its log is
     * {@code <java.io.tmpdir>/devsolr-logs/child-<pid>.log}.
     *
     * @param nodes the number of Solr nodes, at least 1
     * @throws IllegalStateException when the child does not report a live cluster within two minutes
     */
    public static DevSolr startOutOfProcess(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        return new DevSolr(SolrChildProcess.start(nodes));
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
                solr = new DevSolr(new InProcess(cluster, baseDir));
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
        return nodes.zkHost();
    }

    /** The ZooKeeper {@code host:port} without the chroot. */
    public String zkHostPort() {
        return nodes.zkHostPort();
    }

    /** The base URL of each node, e.g. {@code http://127.0.0.1:40123/solr}. */
    public List<String> baseUrls() {
        return nodes.baseUrls();
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
        nodes.stopNode(index);
    }

    /**
     * Starts a node stopped by {@link #stopNode(int)} again, on its old port, and waits until it is live.
     *
     * @param index the node's index, 0-based
     */
    public void restartNode(int index) {
        nodes.restartNode(index);
    }

    /** The process id of the child JVM the cluster runs in; empty when it runs in this JVM. */
    public java.util.OptionalLong childPid() {
        return nodes instanceof SolrChildProcess child ? java.util.OptionalLong.of(child.pid())
                : java.util.OptionalLong.empty();
    }

    /** The directory the cluster keeps its data in. */
    public Path baseDir() {
        return nodes.baseDir();
    }

    /** Stops the nodes and ZooKeeper and deletes the data directory (a child JVM's: stops the child). */
    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.warn("closing the Solr client failed: {}", e.toString());
        }
        nodes.shutdown();
    }

    /** A cluster in this JVM. */
    private static final class InProcess implements Nodes {
        private final MiniSolrCloudCluster cluster;
        private final Path baseDir;
        /** The nodes in start order; the cluster's own list drops a node while it is stopped. */
        private final List<JettySolrRunner> jetties;

        InProcess(MiniSolrCloudCluster cluster, Path baseDir) {
            this.cluster = cluster;
            this.baseDir = baseDir;
            this.jetties = List.copyOf(cluster.getJettySolrRunners());
        }

        @Override
        public String zkHost() {
            return cluster.getZkServer().getZkAddress();
        }

        @Override
        public String zkHostPort() {
            return cluster.getZkServer().getZkHost();
        }

        @Override
        public List<String> baseUrls() {
            List<String> urls = new ArrayList<>();
            for (JettySolrRunner jetty : jetties) {
                urls.add(jetty.getBaseUrl().toString());
            }
            return urls;
        }

        @Override
        public void stopNode(int index) {
            try {
                JettySolrRunner jetty = jetties.get(index);
                cluster.stopJettySolrRunner(jetty);
                cluster.waitForJettyToStop(jetty);
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop Solr node " + index + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void restartNode(int index) {
            try {
                JettySolrRunner jetty = jetties.get(index);
                cluster.startJettySolrRunner(jetty, true);
                cluster.waitForNode(jetty, START_TIMEOUT_SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot restart Solr node " + index + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Path baseDir() {
            return baseDir;
        }

        @Override
        public void shutdown() {
            try {
                cluster.shutdown();
            } catch (Exception e) {
                LOG.warn("SolrCloud shutdown failed: {}", e.toString());
            } finally {
                deleteQuietly(baseDir);
            }
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
