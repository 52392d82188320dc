package io.shardshift.core.spec;

import java.util.Objects;

/**
 * One key of a migration spec, as the catalogue {@link SpecKeys} documents it. Elements of a list are
 * written {@code []}: {@code targets[].jdbcUrl} is the {@code jdbcUrl} of every target.
 *
 * @param path         the key's path, e.g. {@code cutover.stableFor}
 * @param type         what to write, e.g. {@code int}, {@code duration}, {@code list of strings}
 * @param defaultValue the default as a spec would write it, e.g. {@code 5s}; {@code null} when there is none
 * @param required     whether the key must be given (within its section, when the section is given)
 * @param doc          one sentence: what the key does
 */
public record SpecKey(String path, String type, String defaultValue, boolean required, String doc) {
    public SpecKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
    }

    /** A key that must be given. */
    static SpecKey required(String path, String type, String doc) {
        return new SpecKey(path, type, null, true, doc);
    }

    /** An optional key without a default (absent means "none"). */
    static SpecKey optional(String path, String type, String doc) {
        return new SpecKey(path, type, null, false, doc);
    }

    /** An optional key with a default. */
    static SpecKey withDefault(String path, String type, Object defaultValue, String doc) {
        return new SpecKey(path, type, text(defaultValue), false, doc);
    }

    /** A value written the way a spec writes it: {@code 100} for a whole double, {@code 5s} for a duration. */
    static String text(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return String.valueOf(d.longValue());
        }
        return value instanceof java.time.Duration d ? Durations.format(d) : String.valueOf(value);
    }
}
