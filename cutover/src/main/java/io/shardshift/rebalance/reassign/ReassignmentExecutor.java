package io.shardshift.rebalance.reassign;

import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;

/**
 * Applies a {@link ReassignmentPlan} to a live cluster: sets the replication throttle, submits the new replica
 * lists with {@code Admin.alterPartitionReassignments}, waits for the copies, runs a preferred-leader election
 * so leaders follow the first replica, and removes the throttle. Progress is readable at any time through the
 * returned {@link ReassignmentRun}; every wait is bounded by {@link ReassignmentOptions#timeout()}.
 *
 * <pre>{@code
 * TopicLayout layout = TopicLayout.read(admin, "orders", Duration.ofSeconds(30));
 * ReassignmentRun run = new ReassignmentExecutor(admin, ReassignmentOptions.DEFAULTS).start(layout.plan());
 * run.status();                       // MOVING 3/8 ...
 * ReassignmentStatus end = run.await(Duration.ofMinutes(31));
 * end.after().withinOneOfEven();      // true when DONE
 * }</pre>
 */
public final class ReassignmentExecutor {
    private final Admin admin;
    private final ReassignmentOptions options;

    /** An executor using {@code admin} (not closed by it). */
    public ReassignmentExecutor(Admin admin, ReassignmentOptions options) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Starts the plan on a thread of its own and returns at once. */
    public ReassignmentRun start(ReassignmentPlan plan) {
        ReassignmentRun run = new ReassignmentRun(admin, Objects.requireNonNull(plan, "plan"), options);
        Thread t = new Thread(run::run, "reassign-" + plan.topic());
        t.setDaemon(true);
        t.start();
        return run;
    }

    /**
     * Reads {@code topic}'s layout, plans its balance (weighing partitions by their size on disk) and starts the
     * plan: the call for after an expansion has added partitions.
     *
     * @throws IllegalArgumentException when the layout cannot be planned (e.g. a replica on an offline broker)
     * @throws ReassignmentException    when the topic cannot be read
     */
    public ReassignmentRun startRebalance(String topic) {
        return start(TopicLayout.read(admin, topic, options.requestTimeout()).plan());
    }

    /** Runs the plan on the calling thread and returns its final status ({@code DONE} or {@code FAILED}). */
    public ReassignmentStatus execute(ReassignmentPlan plan) {
        ReassignmentRun run = new ReassignmentRun(admin, Objects.requireNonNull(plan, "plan"), options);
        run.run();
        return run.status();
    }
}
