package io.shardshift.cutover;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * A test hook for fault injection, off unless the system property {@value #PROPERTY} is set: names one step of a
 * cutover or rollback, as {@code <kind>:<step>} (e.g. {@code cutover:freeze}, {@code rollback:alias},
 * {@code cutover:gates}), after which the migrator process stops dead ({@link Runtime#halt}, exit code
 * {@value #HALT_EXIT}, as a {@code kill -9} would: no shutdown hooks, no undo), or, with {@value #ACTION}
 * {@code =hold}, prints {@code step-hook: reached <kind>:<step>} and sleeps {@value #HOLD_MILLIS} ms so a test can
 * suspend the process there ({@code SIGSTOP}). The chaos suite ({@code shardshift chaos}) uses it to crash at each
 * step deterministically; nothing else sets it, and an unknown or empty value does nothing.
 */
final class StepHook {
    /** Names the step: {@code <kind>:<step>}, kind {@code cutover} or {@code rollback}, step its wire name or {@code gates}. */
    static final String PROPERTY = "shardshift.test.afterStep";
    /** {@code halt} (the default) or {@code hold}. */
    static final String ACTION = "shardshift.test.afterStepAction";
    static final int HALT_EXIT = 137;
    static final long HOLD_MILLIS = 3_000;
    private static final Logger LOG = LoggerFactory.getLogger(StepHook.class);

    private StepHook() {
    }

    /** Called after {@code step} of a {@code kind} switch succeeded; does nothing unless the property names it. */
    static void after(SwitchKind kind, String step) {
        String wanted = System.getProperty(PROPERTY);
        if (wanted == null || wanted.isBlank()) {
            return;
        }
        String here = kind.name().toLowerCase(Locale.ROOT) + ":" + step;
        if (!wanted.trim().equals(here)) {
            return;
        }
        if ("hold".equals(System.getProperty(ACTION))) {
            System.out.println("step-hook: reached " + here);
            System.out.flush();
            try {
                Thread.sleep(HOLD_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        LOG.warn("step-hook: halting the process after {} ({} is set)", here, PROPERTY);
        System.out.println("step-hook: halting after " + here);
        System.out.flush();
        Runtime.getRuntime().halt(HALT_EXIT);
    }
}
