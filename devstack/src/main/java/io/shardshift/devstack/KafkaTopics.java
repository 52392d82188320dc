package io.shardshift.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import kafka.server.KafkaRaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the dev broker and the dev cluster share: stopping a node, checking and waiting on topics. */
final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {
    }

    /** Shuts a node down and waits for it, logging (not throwing) a shutdown that went wrong. */
    static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka node did not shut down cleanly: {}", e.toString());
        }
    }

    /** The topic name, checked: not null, not blank. */
    static String requireName(String name) {
        Objects.requireNonNull(name, "topic name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        return name;
    }

    /** Waits until every partition of {@code topic} has a leader (a topic just created may not be known yet). */
    static void awaitLeaders(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topic + " have no leader after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
