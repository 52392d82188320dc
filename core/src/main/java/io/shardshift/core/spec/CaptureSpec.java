package io.shardshift.core.spec;

/**
 * How the migrator captures the source's changes. Every field is optional; the defaults are
 * {@link SpecDefaults}'s.
 *
 * <pre>{@code
 * capture: {groups: 2}
 * }</pre>
 *
 * @param groups capture groups: the spec's tables are split over this many groups, each with its own
 *               publication, replication slot and Debezium engine, so the source's changes are decoded in
 *               parallel; default 1 (one slot, as named by {@code source.slotName})
 */
public record CaptureSpec(Integer groups) {

    /** The defaults. */
    public static CaptureSpec defaults() {
        return new CaptureSpec(null);
    }

    public int groupsOrDefault() {
        return groups == null ? SpecDefaults.CAPTURE_GROUPS : groups;
    }
}
