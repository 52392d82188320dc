package io.shardshift.core.schema;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a column type change keeps every value the old type holds, exactly as it was, so the targets can
 * follow it with {@code ALTER COLUMN ... TYPE} and nothing is lost. Types are as {@code format_type} prints
 * them. A widening here is:
 *
 * <ul>
 *   <li>{@code character varying(n)} to {@code character varying(m)} with m &gt; n, to {@code character varying}
 *       or to {@code text}; {@code character varying} to {@code text};</li>
 *   <li>{@code smallint} to {@code integer} or {@code bigint}; {@code integer} to {@code bigint};</li>
 *   <li>{@code smallint}, {@code integer} or {@code bigint} to an unconstrained {@code numeric};</li>
 *   <li>{@code numeric(p,s)} to {@code numeric(q,t)} with t &ge; s and q - t &ge; p - s, or to {@code numeric};</li>
 *   <li>{@code real} to {@code double precision}.</li>
 * </ul>
 *
 * Anything else (a narrowing, another type) is not a widening.
 */
public final class TypeWidening {
    private static final Pattern VARCHAR = Pattern.compile("character varying(?:\\((\\d+)\\))?");
    private static final Pattern NUMERIC = Pattern.compile("numeric(?:\\((\\d+),(\\d+)\\))?");
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");

    private TypeWidening() {
    }

    /** Whether changing a column from {@code from} to {@code to} is a widening (see the class comment). */
    public static boolean isWidening(String from, String to) {
        String a = from.trim();
        String b = to.trim();
        if (a.equals(b)) {
            return false;
        }
        Matcher va = VARCHAR.matcher(a);
        if (va.matches()) {
            if (b.equals("text")) {
                return true;
            }
            Matcher vb = VARCHAR.matcher(b);
            return vb.matches() && va.group(1) != null
                    && (vb.group(1) == null || Integer.parseInt(vb.group(1)) > Integer.parseInt(va.group(1)));
        }
        if (INTEGERS.contains(a)) {
            return INTEGERS.contains(b) ? INTEGERS.indexOf(b) > INTEGERS.indexOf(a) : b.equals("numeric");
        }
        Matcher na = NUMERIC.matcher(a);
        Matcher nb = NUMERIC.matcher(b);
        if (na.matches() && nb.matches() && na.group(1) != null) {
            if (nb.group(1) == null) {
                return true;
            }
            int p = Integer.parseInt(na.group(1));
            int s = Integer.parseInt(na.group(2));
            int q = Integer.parseInt(nb.group(1));
            int t = Integer.parseInt(nb.group(2));
            return t >= s && q - t >= p - s;
        }
        return a.equals("real") && b.equals("double precision");
    }
}
