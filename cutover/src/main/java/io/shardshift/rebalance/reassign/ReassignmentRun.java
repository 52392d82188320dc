package io.shardshift.rebalance.reassign;

import io.shardshift.rebalance.reassign.ReassignmentStatus.State;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running reassignment, started by {@link ReassignmentExecutor#start}: read {@link #status()} at any time,
 * {@link #cancel()} it, or {@link #await(Duration)} its end. Every outcome (done, failed, cancelled) leaves the
 * throttle removed and no partition still moving.
 */
public final class ReassignmentRun {
    private static final Logger LOG = LoggerFactory.getLogger(ReassignmentRun.class);

    private final Admin admin;
    private final ReassignmentPlan plan;
    private final ReassignmentOptions options;
    private final ReplicationThrottle throttle;
    private final List<TopicPartition> partitions;
    private final CountDownLatch cancelRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private volatile ReassignmentStatus status;
    private boolean submitted;

    ReassignmentRun(Admin admin, ReassignmentPlan plan, ReassignmentOptions options) {
        this.admin = admin;
        this.plan = plan;
        this.options = options;
        this.throttle = new ReplicationThrottle(admin, options.requestTimeout());
        this.partitions = plan.changed().stream().map(p -> new TopicPartition(plan.topic(), p)).toList();
        this.status = new ReassignmentStatus(State.PENDING, plan.topic(), 0, plan.changed().size(),
                plan.replicaMoves(), plan.bytesToMove(), plan.before(), null, null, 0);
    }

    /** The current state and progress; never blocks. */
    public ReassignmentStatus status() {
        ReassignmentStatus s = status;
        return s.state().isFinal() ? s : withElapsed(s);
    }

    /** Asks the run to stop: partitions still moving are cancelled (they keep their old replicas). */
    public void cancel() {
        cancelRequested.countDown();
    }

    /**
     * Waits for the run to end and returns its final status.
     *
     * @throws ReassignmentException when it has not ended within {@code timeout} (it keeps running)
     */
    public ReassignmentStatus await(Duration timeout) {
        try {
            if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ReassignmentException("reassignment of " + plan.topic() + " still running after " + timeout
                        + ": " + status());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReassignmentException("interrupted while waiting for the reassignment of " + plan.topic(), e);
        }
        return status;
    }

    void run() {
        long deadline = startNanos + options.timeout().toNanos();
        try {
            BrokerCounts before = checkStillCurrent();
            update(State.STARTING, 0, before, null, null);
            if (plan.isEmpty()) {
                update(State.DONE, 0, before, before, null);
                return;
            }
            throttle.apply(plan, options.throttleBytesPerSecond());
            int size = options.maxPartitionsPerBatch() == 0 ? partitions.size() : options.maxPartitionsPerBatch();
            for (int from = 0; from < partitions.size(); from += size) {
                List<TopicPartition> batch = partitions.subList(from, Math.min(partitions.size(), from + size));
                submit(batch);
                update(State.MOVING, from, before, null, null);
                awaitMoves(batch, from, deadline, before);
                update(State.ELECTING_LEADERS, from + batch.size(), before, null, null);
                electPreferredLeaders(plan.changed().subList(0, from + batch.size()), deadline);
            }
            electPreferredLeaders(plan.target().keySet(), deadline);
            throttle.remove();
            BrokerCounts after = TopicLayout.read(admin, plan.topic(), options.requestTimeout()).counts();
            update(State.DONE, partitions.size(), before, after, null);
            LOG.info("Reassignment of {} done in {} ms: leaders {} -> {}, replicas {} -> {}", plan.topic(),
                    status.elapsedMillis(), before.leaders(), after.leaders(), before.replicas(), after.replicas());
        } catch (Cancelled c) {
            String left = cleanUp();
            update(State.CANCELLED, status.partitionsDone(), status.before(), null, "cancelled on request; " + left);
            LOG.warn("Reassignment of {} cancelled: {}", plan.topic(), left);
        } catch (RuntimeException e) {
            String left = cleanUp();
            update(State.FAILED, status.partitionsDone(), status.before(), null, e.getMessage() + "; " + left);
            LOG.error("Reassignment of {} failed: {}; {}", plan.topic(), e.getMessage(), left);
        } finally {
            finished.countDown();
        }
    }

    private BrokerCounts checkStillCurrent() {
        TopicLayout layout = TopicLayout.read(admin, plan.topic(), options.requestTimeout());
        if (!layout.replicas().equals(plan.current())) {
            Set<Integer> differ = new TreeSet<>(plan.current().keySet());
            differ.addAll(layout.replicas().keySet());
            differ.removeIf(p -> plan.current().get(p) != null && plan.current().get(p).equals(layout.replicas().get(p)));
            throw new ReassignmentException("the assignment of " + plan.topic() + " changed since it was planned"
                    + " (partitions " + differ + "); plan again");
        }
        Map<TopicPartition, PartitionReassignment> ongoing = AdminCalls.get(
                admin.listPartitionReassignments(Set.copyOf(partitions)).reassignments(), options.requestTimeout(),
                "list the reassignments of " + plan.topic());
        if (!ongoing.isEmpty()) {
            throw new ReassignmentException("partitions " + partitionIds(ongoing.keySet()) + " of " + plan.topic()
                    + " are already being reassigned; wait for that reassignment or cancel it");
        }
        return layout.counts();
    }

    private void submit(List<TopicPartition> batch) {
        Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
        batch.forEach(tp -> request.put(tp, Optional.of(new NewPartitionReassignment(plan.target().get(tp.partition())))));
        submitted = true;
        Map<TopicPartition, KafkaFuture<Void>> results = admin.alterPartitionReassignments(request).values();
        Map<Integer, String> failures = new TreeMap<>();
        results.forEach((tp, f) -> {
            try {
                AdminCalls.get(f, options.requestTimeout(), "reassign " + tp);
            } catch (ReassignmentException e) {
                failures.put(tp.partition(), e.getMessage());
            }
        });
        if (!failures.isEmpty()) {
            throw new ReassignmentException("Kafka refused the reassignment of " + plan.topic() + " partitions " + failures);
        }
        LOG.info("Reassignment of {} submitted: partitions {} of {} changed, {} replica moves in all, throttle {} B/s",
                plan.topic(), partitionIds(batch), partitions.size(), plan.replicaMoves(), options.throttleBytesPerSecond());
    }

    private void awaitMoves(List<TopicPartition> batch, int doneBefore, long deadline, BrokerCounts before) {
        while (true) {
            Set<TopicPartition> ongoing = AdminCalls.get(admin.listPartitionReassignments(Set.copyOf(batch)).reassignments(),
                    options.requestTimeout(), "read the progress of " + plan.topic()).keySet();
            TopicLayout layout = TopicLayout.read(admin, plan.topic(), options.requestTimeout());
            Set<Integer> pending = new TreeSet<>();
            for (TopicPartition tp : batch) {
                if (ongoing.contains(tp) || !plan.target().get(tp.partition()).equals(layout.replicas().get(tp.partition()))) {
                    pending.add(tp.partition());
                }
            }
            update(State.MOVING, doneBefore + batch.size() - pending.size(), before, null, null);
            if (pending.isEmpty()) {
                return;
            }
            pause(deadline, "partitions " + pending + " of " + plan.topic() + " still moving");
        }
    }

    /** Elects the preferred leaders of {@code which} until each is led by its first replica. */
    private void electPreferredLeaders(Collection<Integer> which, long deadline) {
        while (true) {
            TopicLayout layout = TopicLayout.read(admin, plan.topic(), options.requestTimeout());
            Map<Integer, String> notPreferred = new TreeMap<>();
            for (int p : which) {
                Integer leader = layout.leaders().get(p);
                Integer preferred = plan.target().get(p).get(0);
                if (!preferred.equals(leader)) {
                    notPreferred.put(p, "leader " + leader + ", preferred " + preferred);
                }
            }
            if (notPreferred.isEmpty()) {
                return;
            }
            Set<TopicPartition> tps = notPreferred.keySet().stream()
                    .map(p -> new TopicPartition(plan.topic(), p)).collect(Collectors.toSet());
            Map<TopicPartition, Optional<Throwable>> result = AdminCalls.get(
                    admin.electLeaders(ElectionType.PREFERRED, tps).partitions(), options.requestTimeout(),
                    "elect the preferred leaders of " + plan.topic());
            result.forEach((tp, err) -> err.filter(t -> !(t instanceof ElectionNotNeededException))
                    .ifPresent(t -> LOG.debug("Preferred leader election of {} not done yet: {}", tp, t.toString())));
            pause(deadline, "partitions of " + plan.topic() + " not led by their preferred replica: " + notPreferred);
        }
    }

    /** Waits one poll interval, or less when cancelled; throws when the deadline has passed. */
    private void pause(long deadline, String whatIsLeft) {
        if (System.nanoTime() > deadline) {
            throw new ReassignmentException("timed out after " + options.timeout() + " with " + whatIsLeft);
        }
        try {
            if (cancelRequested.await(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Cancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReassignmentException("interrupted with " + whatIsLeft, e);
        }
    }

    /** Cancels partitions still moving and removes the throttle; returns what it did, for the status. */
    private String cleanUp() {
        StringBuilder out = new StringBuilder();
        if (submitted) {
            try {
                Set<TopicPartition> ongoing = AdminCalls.get(admin.listPartitionReassignments(Set.copyOf(partitions))
                        .reassignments(), options.requestTimeout(), "list the reassignments of " + plan.topic()).keySet();
                if (!ongoing.isEmpty()) {
                    Map<TopicPartition, Optional<NewPartitionReassignment>> cancel = new HashMap<>();
                    ongoing.forEach(tp -> cancel.put(tp, Optional.empty()));
                    AdminCalls.get(admin.alterPartitionReassignments(cancel).all(), options.requestTimeout(),
                            "cancel the reassignment of " + plan.topic());
                }
                out.append(ongoing.isEmpty() ? "no partition was still moving"
                        : "partitions " + partitionIds(ongoing) + " were still moving and keep their old replicas");
            } catch (RuntimeException e) {
                out.append("COULD NOT CANCEL the partitions still moving (check kafka-reassign-partitions --list): ")
                        .append(e.getMessage());
            }
        }
        try {
            throttle.remove();
            out.append(out.length() == 0 ? "" : "; ").append("throttle removed");
        } catch (RuntimeException e) {
            out.append(out.length() == 0 ? "" : "; ").append("COULD NOT REMOVE the replication throttle (remove ")
                    .append(ReplicationThrottle.LEADER_REPLICAS).append(", ").append(ReplicationThrottle.FOLLOWER_REPLICAS)
                    .append(" and the brokers' throttled rates by hand): ").append(e.getMessage());
        }
        return out.toString();
    }

    private static Set<Integer> partitionIds(Collection<TopicPartition> tps) {
        return tps.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }

    private void update(State state, int done, BrokerCounts before, BrokerCounts after, String error) {
        status = new ReassignmentStatus(state, plan.topic(), done, partitions.size(), plan.replicaMoves(),
                plan.bytesToMove(), before, after, error, elapsedMillis());
    }

    private ReassignmentStatus withElapsed(ReassignmentStatus s) {
        return new ReassignmentStatus(s.state(), s.topic(), s.partitionsDone(), s.partitionsTotal(), s.replicaMoves(),
                s.bytesToMove(), s.before(), s.after(), s.error(), elapsedMillis());
    }

    private long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Thrown inside the run when {@link #cancel()} was called. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }
}
