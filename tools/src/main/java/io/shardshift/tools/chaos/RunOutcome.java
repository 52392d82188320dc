package io.shardshift.tools.chaos;

import java.util.List;

/**
 * What one run of a chaos scenario measured.
 *
 * @param scenario       the scenario's name
 * @param run            the run's number, from 1
 * @param fault          the fault injected, e.g. {@code kill -9 after cutover:fence}
 * @param faults         how many faults were injected
 * @param acked          acknowledged writes (rows) of the write load
 * @param lost           acknowledged writes missing, misplaced or without their last value
 * @param duplicated     acknowledged writes present more than once
 * @param mismatches     differences found by {@code verify} and the independent compares (rows and documents)
 * @param recoveryMillis from the end of the last fault to apply lag under 1 s; -1 if it never got there
 * @param maxWritePauseMillis the longest single write the writers saw (waits for a freeze included)
 * @param problems       every failed check, one line each (empty when the run passed)
 * @param rpoRows        for a restore: the rows the restored target lacked or held stale (all refilled); -1 otherwise
 */
record RunOutcome(String scenario, int run, String fault, int faults, long acked, long lost, long duplicated,
                  long mismatches, long recoveryMillis, long maxWritePauseMillis, List<String> problems, long rpoRows) {

    /** An outcome of a scenario that restores nothing. */
    RunOutcome(String scenario, int run, String fault, int faults, long acked, long lost, long duplicated,
               long mismatches, long recoveryMillis, long maxWritePauseMillis, List<String> problems) {
        this(scenario, run, fault, faults, acked, lost, duplicated, mismatches, recoveryMillis, maxWritePauseMillis,
                problems, -1);
    }

    /** No loss, no duplicate, no mismatch, and every other check passed. */
    boolean passed() {
        return lost == 0 && duplicated == 0 && mismatches == 0 && problems.isEmpty();
    }

    /** Nothing lost, duplicated or mismatched: what the command's exit code is about. */
    boolean dataIntact() {
        return lost == 0 && duplicated == 0 && mismatches == 0;
    }
}
