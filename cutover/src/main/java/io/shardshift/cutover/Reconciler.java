package io.shardshift.cutover;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.shardshift.cutover.internal.ReverseReplicator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.shardshift.cutover.LayoutSwitch.details;

/**
 * Brings the source, the targets, the config topic and the search alias to one state when a controller starts, after
 * a switch that was cut short (the process died or hung between the freeze and the unfreeze). The source decides: a
 * switch took effect if and only if the source committed it (see {@link LayoutSwitch}). So, when the config topic is
 * frozen (no switch runs while a controller starts), names another generation than the source, or the targets do not
 * match an old generation the source says is live: first the targets are repaired (a rollback the source committed
 * gets its targets released, after what their logs still hold is copied to the source; the reverse log of a cutover
 * that never committed is removed; unique indexes are made non-unique again), then the source's generation is
 * republished, the alias pointed at it, and writes unfrozen: the audit trail gets a {@code reconcile} entry with what
 * was found, then a {@code reconciled} entry per repair (a failed alias swap is a {@code warning}, writes are
 * unfrozen anyway; a target that cannot be repaired keeps the controller from starting, writes stay frozen).
 * When the three agree and writes are not frozen, nothing is done; nor when, with writes not frozen, the config topic
 * says the new generation is live and the source accepts writes: no switch leaves that, so it is reported (a
 * {@code warning}), never "repaired" by moving applications back to the old layout. Every action is idempotent, so a reconcile cut
 * short is simply run again.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /**
     * What the reconcile found and left.
     *
     * @param generation the generation live now (the source's)
     * @param actions    what was repaired, empty when everything agreed
     */
    record Outcome(long generation, List<String> actions) {
    }

    private final SwitchState state;
    private final Retry retry;

    Reconciler(SwitchState state, Retry retry) {
        this.state = state;
        this.retry = retry;
    }

    /**
     * Reconciles at a controller's start (with {@link Retry#DEFAULT}); the generation live now.
     *
     * @throws IllegalStateException when the state cannot be read or repaired (the controller cannot start)
     */
    static long atStart(SwitchState state, long oldGeneration, long newGeneration, long config) {
        try {
            return new Reconciler(state, Retry.DEFAULT).reconcile(oldGeneration, newGeneration, config).generation();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reconciling the source, the config topic and the alias", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reconcile the source, the config topic and the alias: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reconciles a migration from {@code oldGeneration} to {@code newGeneration}.
     *
     * @param config the generation on the config topic now
     */
    Outcome reconcile(long oldGeneration, long newGeneration, long config) throws Exception {
        long source = state.sourceGeneration(oldGeneration, newGeneration);
        boolean frozen = state.writesFrozen();
        List<String> actions = new ArrayList<>();
        if (!frozen && source == oldGeneration && config == newGeneration) {
            LOG.error("the config topic says generation {} is live and no switch was cut short, but the source does not"
                    + " reject writes of the moved rows (was its trigger dropped by hand?); changing nothing", config);
            state.audit("warning", details("reconcile-" + System.currentTimeMillis(), "step", "reconcile", "reason",
                    "source accepts writes while generation " + config + " is live", "generation", config));
            return new Outcome(config, actions);
        }
        TargetRepairs targets = source == oldGeneration ? TargetRepairs.read(state) : TargetRepairs.NONE;
        if (source == config && !frozen && targets.none()) {
            return new Outcome(source, actions);
        }
        long other = source == newGeneration ? oldGeneration : newGeneration;
        String id = "reconcile-" + System.currentTimeMillis();
        LOG.warn("{}: a switch was cut short: the source says generation {} is live, the config topic says {} (writes"
                + " {}), the targets need {}; bringing the targets, the config topic and the alias to generation {}", id,
                source, config, frozen ? "frozen" : "not frozen", targets, source);
        state.audit("reconcile", details(id, "sourceGeneration", source, "configGeneration", config,
                "writesFrozen", frozen, "targets", targets.toString()));
        repairTargets(id, targets, actions);
        if (config != source) {
            retry.run(() -> state.publishGeneration(source, other, id + ": the source says generation " + source
                    + " is live"));
            done(id, actions, "generation " + config + " -> " + source);
        }
        try {
            retry.run(() -> state.swapAlias(other, source));
            done(id, actions, "alias -> generation " + source);
        } catch (Exception e) {
            LOG.error("{}: cannot point the search alias at generation {}: {}", id, source, e.getMessage());
            state.audit("warning", details(id, "step", "alias", "reason", e.getMessage(), "generation", source));
        }
        if (frozen) {
            retry.run(() -> state.publishFreeze(false, id + ": no switch running"));
            done(id, actions, "writes unfrozen");
        }
        return new Outcome(source, actions);
    }

    /**
     * What the targets need while the old generation is live: a committed rollback's release (its process died
     * between the source commit and the targets' commits), the reverse log of a cutover that never committed
     * removed, unique indexes made non-unique again (the forward stream applies out of order).
     */
    private record TargetRepairs(Optional<ReverseReplicator.PendingRelease> release, boolean logging, boolean unique) {
        static final TargetRepairs NONE = new TargetRepairs(Optional.empty(), false, false);

        static TargetRepairs read(SwitchState state) throws Exception {
            return new TargetRepairs(state.pendingRelease(), state.targetsLogging(), state.uniqueEnforced());
        }

        boolean none() {
            return release.isEmpty() && !logging && !unique;
        }

        @Override
        public String toString() {
            List<String> needs = new ArrayList<>();
            release.ifPresent(r -> needs.add("the release of the rollback to generation " + r.generation()));
            if (logging && release.isEmpty()) {
                needs.add("the reverse log removed");
            }
            if (unique) {
                needs.add("unique indexes non-unique again");
            }
            return needs.isEmpty() ? "nothing" : String.join(", ", needs);
        }
    }

    /** Done before the config topic moves or writes unfreeze, as the rollback does it. */
    private void repairTargets(String id, TargetRepairs targets, List<String> actions) throws Exception {
        if (targets.release().isPresent()) {
            ReverseReplicator.PendingRelease r = targets.release().get();
            retry.run(() -> state.releaseTargets(r.fence(), r.generation()));
            done(id, actions, "targets released after the rollback to generation " + r.generation());
        } else if (targets.logging()) {
            state.stopReverseLog(id);
            done(id, actions, "reverse log removed from the targets");
        }
        if (targets.unique()) {
            retry.run(state::relaxUniqueIndexes);
            done(id, actions, "unique indexes non-unique again");
        }
    }

    private void done(String id, List<String> actions, String action) {
        actions.add(action);
        state.audit("reconciled", details(id, "action", action));
    }
}
