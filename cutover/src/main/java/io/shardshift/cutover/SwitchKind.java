package io.shardshift.cutover;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which way a layout switch goes: a cutover to the new generation, or a rollback to the previous one.
 * Written as its wire name ({@code "cutover"}, {@code "rollback"}) in JSON, the audit trail and the CLI.
 */
public enum SwitchKind {
    /** From the live generation to the spec's new one. */
    CUTOVER("cutover"),
    /** From the live generation back to the previous one. */
    ROLLBACK("rollback");

    private final String wireName;

    SwitchKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON, ids ({@code cutover-1700000000000}), logs and messages. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
