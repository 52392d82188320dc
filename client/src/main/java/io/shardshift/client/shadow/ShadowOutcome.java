package io.shardshift.client.shadow;

import java.util.Arrays;

/** How a shadow read's two answers compare. */
public enum ShadowOutcome {
    /** Both answers are equal (rows in canonical form; search numFound and top-k ids in order). */
    AGREE("agree"),
    /** The answers differ and nothing explains it. Counts against the cutover gate. */
    MISMATCH("mismatch"),
    /** The answers differ, but only by changes newer than the new side's applied position (replay only). */
    EXPLAINED_BY_LAG("explained-by-lag"),
    /** The new-layout read failed. Counts against the cutover gate like a mismatch. */
    ERROR("error");

    private final String wireName;

    ShadowOutcome(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the JSON record, e.g. {@code explained-by-lag}. */
    public String wireName() {
        return wireName;
    }

    /** Whether it counts as a disagreement (mismatch or error). */
    public boolean disagrees() {
        return this == MISMATCH || this == ERROR;
    }

    /** The outcome of a wire name. */
    public static ShadowOutcome ofWire(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown shadow outcome '" + name + "'"));
    }
}
