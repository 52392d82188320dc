package io.shardshift.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on topics of the dev brokers. */
final class KafkaTopics {
    private KafkaTopics() {
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
