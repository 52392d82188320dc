package io.shardshift.core.spec;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations of a spec: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT5S}. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private Durations() {
    }

    /**
     * @param field the spec field, named in the error
     * @return {@code fallback} when {@code text} is null
     * @throws SpecException when the text is not a duration or is negative
     */
    public static Duration parse(String text, String field, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            Duration d = Duration.parse(t);
            if (d.isNegative()) {
                throw new SpecException(field, "must not be negative, was '" + text + "'");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new SpecException(field, "'" + text + "' is not a duration (e.g. 500ms, 5s, 2m, 1h or PT5S)");
        }
    }

    /**
     * Writes a duration the way a spec does, in the largest whole unit: {@code 30m}, {@code 5s},
     * {@code 750ms}; {@link #parse} reads it back to the same value.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
