package io.shardshift.migrator.http;

import io.shardshift.cutover.SwitchKind;

import java.util.List;

/**
 * What the dashboard shows of cutover, answered by {@code GET /v1/cutover}: the state of every gate and the
 * cutover history. The cutover controller provides one; until then {@link #EMPTY} answers no gates and no
 * history.
 *
 * <pre>{@code
 * {"phase": "cut-over", "gates": [{"name": "lag", "passed": true, "detail": "0 events behind"}],
 *  "history": [{"atMillis": 1700000000000, "action": "cutover", "outcome": "completed", "detail": "generation 2"}],
 *  "summary": "cut over to generation 2, observation window until 2026-12-07T03:10:00Z"}
 * }</pre>
 */
@FunctionalInterface
public interface CutoverView {

    /** No cutover support: no gates, no history. */
    CutoverView EMPTY = () -> new State("unavailable", List.of(), List.of());

    /** The current state; called on every request, so it should be cheap. */
    State state();

    /**
     * @param phase   where cutover stands, e.g. {@code not-ready}, {@code ready}, {@code cutting-over},
     *                {@code cut-over}, {@code rolled-back}
     * @param gates   every gate, in the order they are checked
     * @param history cutover actions, oldest first
     * @param summary where the migration stands after a cutover or rollback, for the dashboard's header (e.g.
     *                {@code cut over to generation 2, observation window until 2026-12-07T03:10:00Z}, or
     *                {@code rolled back to generation 1}); {@code null} before any
     */
    record State(String phase, List<Gate> gates, List<Event> history, String summary) {
        public State {
            gates = List.copyOf(gates);
            history = List.copyOf(history);
        }

        /** A state with no summary (nothing switched yet). */
        public State(String phase, List<Gate> gates, List<Event> history) {
            this(phase, gates, history, null);
        }
    }

    /**
     * @param name   the gate, e.g. {@code lag}, {@code dead-letters}, {@code verify}
     * @param passed whether cutover may proceed as far as this gate is concerned
     * @param detail why, for a person
     */
    record Gate(String name, boolean passed, String detail) {
    }

    /**
     * @param atMillis when (epoch ms)
     * @param action   cutover or rollback, written {@code "cutover"} or {@code "rollback"}
     * @param outcome  e.g. {@code started}, {@code completed}, {@code refused}, {@code failed}
     * @param detail   more, for a person
     */
    record Event(long atMillis, SwitchKind action, String outcome, String detail) {
    }
}
