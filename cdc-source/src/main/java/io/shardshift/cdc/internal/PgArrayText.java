package io.shardshift.cdc.internal;

import io.shardshift.core.event.KeyText;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

/**
 * Rewrites the elements of an array as PostgreSQL prints it ({@code [0:1]={{"a b",NULL},{c,d}}}), keeping its
 * dimensions, bounds and NULLs: used to print the elements of a {@code timestamptz[]} in UTC, as the backfill
 * does, whatever time zone the replication session printed them in.
 */
final class PgArrayText {
    private PgArrayText() {
    }

    /** The array with {@code f} applied to every non-NULL element (each element unquoted first, quoted after). */
    static String mapElements(String array, UnaryOperator<String> f) {
        StringBuilder out = new StringBuilder(array.length() + 16);
        int i = 0;
        if (array.startsWith("[")) {
            int eq = array.indexOf('=');
            out.append(array, 0, eq + 1);
            i = eq + 1;
        }
        while (i < array.length()) {
            char c = array.charAt(i);
            if (c == '{' || c == '}' || c == ',') {
                out.append(c);
                i++;
            } else if (c == '"') {
                StringBuilder element = new StringBuilder();
                i++;
                while (array.charAt(i) != '"') {
                    if (array.charAt(i) == '\\') {
                        i++;
                    }
                    element.append(array.charAt(i++));
                }
                i++;
                out.append(quote(f.apply(element.toString())));
            } else {
                int end = i;
                while (end < array.length() && array.charAt(end) != ',' && array.charAt(end) != '}') {
                    end++;
                }
                String token = array.substring(i, end);
                out.append(token.equals("NULL") ? token : quote(f.apply(token)));
                i = end;
            }
        }
        return out.toString();
    }

    /**
     * A timestamptz as PostgreSQL prints it with {@code DateStyle=ISO} in any time zone
     * ({@code 2024-03-01 15:45:30.5+05:30}, {@code 0044-03-15 10:00:00+00 BC}, {@code infinity}) in UTC, as
     * {@link KeyText#timestamptz} prints it.
     */
    static String timestamptzInUtc(String text) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        boolean bc = text.endsWith(" BC");
        String s = bc ? text.substring(0, text.length() - 3) : text;
        int space = s.indexOf(' ');
        int offsetAt = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        if (space < 0 || offsetAt < space) {
            throw new IllegalArgumentException("'" + text + "' is not a timestamptz as PostgreSQL prints it");
        }
        String[] date = s.substring(0, space).split("-");
        String[] time = s.substring(space + 1, offsetAt).split(":");
        int year = Integer.parseInt(date[0]);
        String seconds = time[2];
        int dot = seconds.indexOf('.');
        int nanos = dot < 0 ? 0 : Integer.parseInt((seconds.substring(dot + 1) + "000000000").substring(0, 9));
        LocalDateTime local = LocalDateTime.of(bc ? 1 - year : year, Integer.parseInt(date[1]), Integer.parseInt(date[2]),
                Integer.parseInt(time[0]), Integer.parseInt(time[1]),
                Integer.parseInt(dot < 0 ? seconds : seconds.substring(0, dot)), nanos);
        return KeyText.timestamptz(local.toInstant(ZoneOffset.of(s.substring(offsetAt))));
    }

    private static String quote(String element) {
        boolean plain = !element.isEmpty() && !element.equalsIgnoreCase("NULL");
        for (int i = 0; plain && i < element.length(); i++) {
            char c = element.charAt(i);
            plain = c != '{' && c != '}' && c != ',' && c != '"' && c != '\\' && !Character.isWhitespace(c);
        }
        return plain ? element : "\"" + element.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
