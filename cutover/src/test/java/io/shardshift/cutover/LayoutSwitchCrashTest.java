package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cutover or rollback whose process dies just after any of its calls (nothing after it runs, nothing is undone, the
 * source's open transaction is rolled back with its session), then a controller starting again: {@link Reconciler}
 * leaves the source, the targets, the config topic and the alias on one generation with writes unfrozen (the targets
 * log application writes and enforce unique indexes exactly when the new generation is live, and a rollback the
 * source committed has its targets released); the switch took effect exactly when the source had committed it; a
 * second reconcile changes nothing.
 */
class LayoutSwitchCrashTest {
    private static final long OLD = 1;
    private static final long NEW = 2;

    static Stream<String> cutoverCalls() {
        return LayoutSwitchCutoverTest.CUTOVER.stream();
    }

    static Stream<String> rollbackCalls() {
        return LayoutSwitchRollbackTest.ROLLBACK.stream();
    }

    private static LayoutSwitch layoutSwitch(RecordingSwitchEffects effects) {
        return new LayoutSwitch(List.of(new TableId("public", "orders")), Duration.ofMinutes(30), () -> effects,
                Retry.ONCE);
    }

    @ParameterizedTest(name = "crash after {0}")
    @MethodSource("cutoverCalls")
    void shouldReconcileToOneGenerationWhenACutoverDiesAfterAnyStep(String call) throws Exception {
        RecordingSwitchEffects effects = new RecordingSwitchEffects(OLD).crashOn(call);
        assertThatThrownBy(() -> layoutSwitch(effects).cutover("cutover-1", OLD, NEW, List.of(), (f, t) -> { }))
                .isInstanceOf(RecordingSwitchEffects.Crash.class);
        boolean committed = LayoutSwitchCutoverTest.CUTOVER.indexOf(call)
                >= LayoutSwitchCutoverTest.CUTOVER.indexOf("commit source");
        assertNeverAheadOfTheSource(effects, NEW);

        assertReconciledTo(effects, committed ? NEW : OLD);
    }

    @ParameterizedTest(name = "crash after {0}")
    @MethodSource("rollbackCalls")
    void shouldReconcileToOneGenerationWhenARollbackDiesAfterAnyStep(String call) throws Exception {
        RecordingSwitchEffects effects = new RecordingSwitchEffects(NEW).crashOn(call);
        assertThatThrownBy(() -> layoutSwitch(effects).rollback("rollback-1", NEW, OLD, (f, t) -> { }))
                .isInstanceOf(RecordingSwitchEffects.Crash.class);
        boolean committed = LayoutSwitchRollbackTest.ROLLBACK.indexOf(call)
                >= LayoutSwitchRollbackTest.ROLLBACK.indexOf("commit source");
        assertNeverAheadOfTheSource(effects, OLD);

        assertReconciledTo(effects, committed ? OLD : NEW);
    }

    @ParameterizedTest(name = "crash after {0}")
    @MethodSource("cutoverCalls")
    void shouldFinishWhenTheReconcileItselfDies(String call) throws Exception {
        RecordingSwitchEffects effects = new RecordingSwitchEffects(OLD).crashOn(call);
        assertThatThrownBy(() -> layoutSwitch(effects).cutover("cutover-1", OLD, NEW, List.of(), (f, t) -> { }))
                .isInstanceOf(RecordingSwitchEffects.Crash.class);
        effects.restart();
        effects.crashOn("publish generation 2 (previous 1)");
        try {
            new Reconciler(effects, Retry.ONCE).reconcile(OLD, NEW, effects.configGeneration);
        } catch (RecordingSwitchEffects.Crash expected) {
            // died again, half way
        }

        assertReconciledTo(effects, effects.sourceGeneration);
    }

    /**
     * Before any reconcile: the config topic and the alias name the switch's generation {@code to} only if the source
     * committed it, so applications and search never move to a layout the source may still take writes for.
     */
    private static void assertNeverAheadOfTheSource(RecordingSwitchEffects effects, long to) {
        if (effects.sourceGeneration != to) {
            assertThat(effects.configGeneration).as("config topic ahead of the source").isNotEqualTo(to);
            assertThat(effects.aliasGeneration).as("alias ahead of the source").isNotEqualTo(to);
        }
    }

    private static void assertReconciledTo(RecordingSwitchEffects effects, long generation) throws Exception {
        effects.restart();
        Reconciler reconciler = new Reconciler(effects, Retry.ONCE);

        Reconciler.Outcome outcome = reconciler.reconcile(OLD, NEW, effects.configGeneration);

        assertThat(outcome.generation()).isEqualTo(generation);
        assertThat(effects.sourceGeneration).isEqualTo(generation);
        assertThat(effects.configGeneration).as("config topic").isEqualTo(generation);
        assertThat(effects.aliasGeneration).as("alias").isEqualTo(generation);
        assertThat(effects.frozen).as("writes frozen").isFalse();
        assertThat(effects.targetsLogging).as("targets log application writes (only while %d is live)", NEW)
                .isEqualTo(generation == NEW);
        assertThat(effects.uniqueEnforced).as("unique indexes unique (only while %d is live)", NEW)
                .isEqualTo(generation == NEW);
        assertThat(effects.releasePending).as("a committed rollback's targets still to release").isNull();
        if (!outcome.actions().isEmpty()) {
            assertThat(effects.auditEntries()).contains("reconcile", "reconciled");
        }
        int audits = effects.audits.size();
        assertThat(reconciler.reconcile(OLD, NEW, effects.configGeneration).actions()).isEmpty();
        assertThat(effects.audits).hasSize(audits);
    }
}
