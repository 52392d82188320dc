package io.shardshift.core.spec;

import java.util.List;

/**
 * Renders the catalogue of spec keys ({@link SpecKeys}): as a Markdown table for the README's spec section,
 * and as plain text for the command line ({@code shardshift spec --explain}). Pure functions of the
 * catalogue, so the output is stable.
 */
public final class SpecDoc {
    private SpecDoc() {
    }

    /** The catalogue as Markdown. */
    public static String markdown() {
        return markdown(SpecKeys.all());
    }

    /**
     * Keys as a Markdown table, one row per key:
     *
     * <pre>{@code
     * | Key | Type | Default | Description |
     * |---|---|---|---|
     * | `cutover.stableFor` | duration | `5s` | ...held for this long. |
     * }</pre>
     */
    public static String markdown(List<SpecKey> keys) {
        StringBuilder out = new StringBuilder("| Key | Type | Default | Description |\n|---|---|---|---|\n");
        for (SpecKey k : keys) {
            String dflt = k.required() ? "**required**" : k.defaultValue() == null ? ""
                    : k.defaultValue().contains(" ") ? cell(k.defaultValue()) : "`" + k.defaultValue() + "`";
            out.append("| `").append(k.path()).append("` | ").append(cell(k.type())).append(" | ")
                    .append(dflt).append(" | ").append(cell(k.doc())).append(" |\n");
        }
        return out.toString();
    }

    /** The catalogue as plain text. */
    public static String text() {
        return text(SpecKeys.all());
    }

    /**
     * Keys as plain text, two lines per key:
     *
     * <pre>{@code
     * cutover.stableFor (duration, default 5s)
     *     ...held for this long.
     * }</pre>
     */
    public static String text(List<SpecKey> keys) {
        StringBuilder out = new StringBuilder();
        for (SpecKey k : keys) {
            String dflt = k.required() ? ", required" : k.defaultValue() == null ? "" : ", default " + k.defaultValue();
            out.append(k.path()).append(" (").append(k.type()).append(dflt).append(")\n")
                    .append("    ").append(k.doc().replace("`", "")).append('\n');
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
