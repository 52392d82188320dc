package io.shardshift.devstack;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Server properties of the nodes of a {@link DevKafkaCluster}: one dedicated KRaft controller and
 * {@code n} brokers, each on its own loopback port and log directory.
 */
final class KafkaClusterProps {
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Node id of the controller; brokers are numbered from 1. */
    static final int CONTROLLER_ID = 1000;

    private KafkaClusterProps() {
    }

    static Properties controller(int controllerPort, Path logDir) {
        Properties p = common(controllerPort, logDir);
        p.put("process.roles", "controller");
        p.put("node.id", String.valueOf(CONTROLLER_ID));
        p.put("listeners", CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("listener.security.protocol.map", CONTROLLER_LISTENER + ":PLAINTEXT");
        return p;
    }

    static Properties broker(int brokerId, int brokers, int brokerPort, int controllerPort, Path logDir, String rack) {
        Properties p = common(controllerPort, logDir);
        p.put("process.roles", "broker");
        p.put("node.id", String.valueOf(brokerId));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        if (rack != null) {
            p.put("broker.rack", rack);
        }
        // Internal topics replicated as in production (up to 3), so one stopped broker keeps transactions working.
        String rf = String.valueOf(Math.min(3, brokers));
        String minIsr = String.valueOf(Math.min(2, brokers));
        p.put("offsets.topic.replication.factor", rf);
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Leaders move only when a test (or the reassignment executor) asks, so counts are deterministic.
        p.put("auto.leader.rebalance.enable", "false");

        // Several brokers share this JVM: few threads each, a small compaction buffer.
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.cleaner.backoff.ms", "1000");
        return p;
    }

    private static Properties common(int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("log.dirs", logDir.toString());
        // Several nodes in one JVM would register the same JMX beans; nothing here reads them.
        p.put("metrics.jmx.exclude", ".*");
        return p;
    }
}
