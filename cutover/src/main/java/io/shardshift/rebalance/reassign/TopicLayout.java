package io.shardshift.rebalance.reassign;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The brokers of a cluster and how one topic lies on them, as read from Kafka: the input of
 * {@link ReassignmentPlanner} and the way to check its outcome.
 *
 * @param topic          the topic
 * @param brokers        ids of the live brokers
 * @param racks          broker id to rack; empty when any broker has none
 * @param replicas       partition to its replica list (first = preferred leader)
 * @param leaders        partition to its current leader ({@code null} when it has none)
 * @param partitionBytes partition to the size of its largest replica on disk
 */
public record TopicLayout(String topic, SortedSet<Integer> brokers, Map<Integer, String> racks,
                          SortedMap<Integer, List<Integer>> replicas, Map<Integer, Integer> leaders,
                          Map<Integer, Long> partitionBytes) {

    /** Reads the layout of {@code topic}; every admin call is bounded by {@code timeout}. */
    public static TopicLayout read(Admin admin, String topic, Duration timeout) {
        Collection<Node> nodes = AdminCalls.get(admin.describeCluster().nodes(), timeout, "list the brokers");
        SortedSet<Integer> brokers = new TreeSet<>();
        Map<Integer, String> racks = new HashMap<>();
        nodes.forEach(n -> {
            brokers.add(n.id());
            if (n.hasRack()) {
                racks.put(n.id(), n.rack());
            }
        });
        TopicDescription d = AdminCalls.get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                timeout, "describe topic " + topic);
        SortedMap<Integer, List<Integer>> replicas = new TreeMap<>();
        Map<Integer, Integer> leaders = new HashMap<>();
        for (TopicPartitionInfo p : d.partitions()) {
            replicas.put(p.partition(), p.replicas().stream().map(Node::id).toList());
            leaders.put(p.partition(), p.leader() == null || p.leader().isEmpty() ? null : p.leader().id());
        }
        Map<Integer, Long> bytes = new HashMap<>();
        Map<Integer, Map<String, LogDirDescription>> dirs = AdminCalls.get(
                admin.describeLogDirs(brokers).allDescriptions(), timeout, "read the log dir sizes of " + topic);
        dirs.values().forEach(byDir -> byDir.values().forEach(dir -> {
            for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                if (e.getKey().topic().equals(topic)) {
                    bytes.merge(e.getKey().partition(), e.getValue().size(), Math::max);
                }
            }
        }));
        replicas.keySet().forEach(p -> bytes.putIfAbsent(p, 0L));
        return new TopicLayout(topic, brokers, racks.size() == brokers.size() ? racks : Map.of(), replicas,
                leaders, bytes);
    }

    /** Leaders (as observed) and replicas per broker. */
    public BrokerCounts counts() {
        return BrokerCounts.observed(brokers, replicas, leaders);
    }

    /** A plan that balances this topic, weighing partitions by their size on disk. */
    public ReassignmentPlan plan() {
        return new ReassignmentPlanner(brokers, racks).plan(topic, replicas, partitionBytes);
    }
}
