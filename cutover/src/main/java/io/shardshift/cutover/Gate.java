package io.shardshift.cutover;

/**
 * A condition a cutover waits for before it freezes writes (no dead letters, verification clean, the SLO
 * probe within bounds...). Checked repeatedly until every gate passes in the same round.
 */
@FunctionalInterface
public interface Gate {
    /** Checks the condition now; an exception counts as "not passed" with its message. */
    GateResult check() throws Exception;

    /** The gate's name, shown before its first check (gates made by {@link #named} have one). */
    default String name() {
        return "gate";
    }

    /** A gate with a name. */
    static Gate named(String name, Gate check) {
        return new Gate() {
            @Override
            public GateResult check() throws Exception {
                return check.check();
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /**
     * One check's outcome.
     *
     * @param gate   the gate's name, e.g. {@code no-dead-letters}
     * @param passed whether it holds now
     * @param detail what was seen, e.g. {@code 3 dead-letter records}
     */
    record GateResult(String gate, boolean passed, String detail) {
        public static GateResult pass(String gate, String detail) {
            return new GateResult(gate, true, detail);
        }

        public static GateResult fail(String gate, String detail) {
            return new GateResult(gate, false, detail);
        }
    }
}
