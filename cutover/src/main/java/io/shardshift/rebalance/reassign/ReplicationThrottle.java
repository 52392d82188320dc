package io.shardshift.rebalance.reassign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Sets the replication throttle of one reassignment and takes it off again, as {@code kafka-reassign-partitions}
 * does: the rate on every broker involved, and the throttled replica lists on the topic (the current replicas
 * of each moving partition as leaders, the new ones as followers). Broker rates set before are put back on
 * removal; a topic that already lists throttled replicas is refused (another reassignment may own them).
 */
final class ReplicationThrottle {
    static final String LEADER_RATE = "leader.replication.throttled.rate";
    static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
    static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";

    private final Admin admin;
    private final Duration timeout;
    private final Map<Integer, Map<String, String>> previousRates = new HashMap<>();
    private ConfigResource topic;
    private boolean applied;

    ReplicationThrottle(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Throttles the replica moves of {@code plan}; does nothing when it moves no replica. */
    void apply(ReassignmentPlan plan, long bytesPerSecond) {
        List<String> leaders = new ArrayList<>();
        List<String> followers = new ArrayList<>();
        Set<Integer> brokers = new TreeSet<>();
        for (int p : plan.changed()) {
            List<Integer> was = plan.current().get(p);
            List<Integer> next = plan.target().get(p);
            if (was.containsAll(next)) {
                continue;
            }
            was.forEach(b -> leaders.add(p + ":" + b));
            next.stream().filter(b -> !was.contains(b)).forEach(b -> followers.add(p + ":" + b));
            brokers.addAll(was);
            brokers.addAll(next);
        }
        if (leaders.isEmpty()) {
            return;
        }
        topic = new ConfigResource(ConfigResource.Type.TOPIC, plan.topic());
        Config topicConfig = describe(topic);
        for (String key : List.of(LEADER_REPLICAS, FOLLOWER_REPLICAS)) {
            ConfigEntry e = topicConfig.get(key);
            if (e != null && e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && !e.value().isBlank()) {
                throw new ReassignmentException("topic " + plan.topic() + " already has " + key + "=" + e.value()
                        + "; another reassignment may be running (remove the setting once it has finished)");
            }
        }
        for (int b : brokers) {
            Config c = describe(brokerResource(b));
            Map<String, String> prev = new HashMap<>();
            for (String key : List.of(LEADER_RATE, FOLLOWER_RATE)) {
                ConfigEntry e = c.get(key);
                if (e != null && e.source() == ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG) {
                    prev.put(key, e.value());
                }
            }
            previousRates.put(b, prev);
        }
        applied = true;
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        String rate = String.valueOf(bytesPerSecond);
        brokers.forEach(b -> ops.put(brokerResource(b), List.of(set(LEADER_RATE, rate), set(FOLLOWER_RATE, rate))));
        ops.put(topic, List.of(set(LEADER_REPLICAS, String.join(",", leaders)),
                set(FOLLOWER_REPLICAS, String.join(",", followers))));
        AdminCalls.get(admin.incrementalAlterConfigs(ops).all(), timeout,
                "set the replication throttle of " + plan.topic() + " on brokers " + brokers);
    }

    /** Takes the throttle off (restoring broker rates set before); safe to call more than once. */
    void remove() {
        if (!applied) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        previousRates.forEach((b, prev) -> {
            List<AlterConfigOp> list = new ArrayList<>();
            for (String key : List.of(LEADER_RATE, FOLLOWER_RATE)) {
                list.add(prev.containsKey(key) ? set(key, prev.get(key)) : delete(key));
            }
            ops.put(brokerResource(b), list);
        });
        ops.put(topic, List.of(delete(LEADER_REPLICAS), delete(FOLLOWER_REPLICAS)));
        AdminCalls.get(admin.incrementalAlterConfigs(ops).all(), timeout,
                "remove the replication throttle of " + topic.name() + " from brokers " + previousRates.keySet());
        applied = false;
    }

    private Config describe(ConfigResource r) {
        return AdminCalls.get(admin.describeConfigs(List.of(r)).all(), timeout, "read the configs of " + r).get(r);
    }

    private static ConfigResource brokerResource(int broker) {
        return new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(broker));
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp delete(String key) {
        return new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE);
    }
}
