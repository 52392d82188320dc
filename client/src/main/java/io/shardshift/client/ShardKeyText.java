package io.shardshift.client;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Turns a shard key value of an application into the text {@link RoutingLayout#targetFor(String)} hashes:
 * the migrator's canonical key text, which is PostgreSQL's own output of the value with
 * {@code DateStyle=ISO}, {@code IntervalStyle=postgres}, {@code TimeZone=UTC}, shortest-exact floats and
 * {@code bytea_output=hex}. A text or varchar shard key is passed as is; any other type must go through
 * here (or be spelled exactly as below), or the application routes a row where the migrator did not put it.
 *
 * <pre>{@code
 * String target = layout.targetFor(ShardKeyText.of(order.createdAt()));   // an Instant
 * String target = layout.targetFor(ShardKeyText.of(new BigDecimal("1.5").setScale(2)));  // numeric(10,2): 1.50
 * }</pre>
 *
 * A numeric keeps its scale, so pass it with the column's scale. Examples of the text:
 *
 * <pre>
 * timestamptz  2024-03-01 10:15:30.5+00      timestamp  2024-03-01 10:15:30.5
 * boolean      t / f                          float8     0.1, 100, 1e+20, 1.5e-05
 * numeric      1.50 (scale kept)              uuid       a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
 * interval     1 year 2 mons 3 days 04:05:06  bytea      \x00ff
 * date         2024-03-01, 0044-03-15 BC      time       10:15:30.5
 * </pre>
 *
 * <p>A copy of the migrator's {@code io.shardshift.core.event.KeyText} (this library depends only on
 * kafka-clients and Jackson); a test checks that the two agree.
 */
public final class ShardKeyText {
    private static final HexFormat HEX = HexFormat.of();
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_MINUTE = 60_000_000L;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private ShardKeyText() {
    }

    /**
     * The canonical text of a common Java value: {@link Instant}, {@link OffsetDateTime},
     * {@link ZonedDateTime} (timestamptz), {@link LocalDateTime}, {@link LocalDate}, {@link LocalTime},
     * {@link UUID}, {@link BigDecimal} (numeric, scale kept), {@link Boolean}, {@link Double}, {@link Float},
     * integers, {@code byte[]} (bytea) and {@link String} (as is); {@code null} for {@code null}.
     *
     * @throws IllegalArgumentException for any other type, rather than guessing its text
     */
    public static String of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return bool(b);
        }
        if (value instanceof Double d) {
            return float8(d);
        }
        if (value instanceof Float f) {
            return float4(f);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal d) {
            return numeric(d);
        }
        if (value instanceof UUID u) {
            return uuid(u);
        }
        if (value instanceof Instant i) {
            return timestamptz(i);
        }
        if (value instanceof OffsetDateTime t) {
            return timestamptz(t.toInstant());
        }
        if (value instanceof ZonedDateTime t) {
            return timestamptz(t.toInstant());
        }
        if (value instanceof LocalDateTime t) {
            return timestamp(t);
        }
        if (value instanceof LocalDate d) {
            return date(d);
        }
        if (value instanceof LocalTime t) {
            return time(t);
        }
        if (value instanceof byte[] b) {
            return bytea(b);
        }
        throw new IllegalArgumentException("no canonical key text for a " + value.getClass().getName()
                + "; pass the value as PostgreSQL prints it (see ShardKeyText)");
    }

    /** {@code t} or {@code f}. */
    public static String bool(boolean b) {
        return b ? "t" : "f";
    }

    /** A numeric as PostgreSQL prints it: plain digits, scale kept ({@code 1.50}). */
    public static String numeric(BigDecimal d) {
        return d.toPlainString();
    }

    /** A UUID in lower case. */
    public static String uuid(UUID u) {
        return u.toString();
    }

    /** A bytea in hex output: {@code \x00ff}. */
    public static String bytea(byte[] bytes) {
        return "\\x" + HEX.formatHex(bytes);
    }

    /** A double precision as PostgreSQL 12+ prints it: shortest exact digits, {@code 100}, {@code 1e+20}. */
    public static String float8(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return special(d);
        }
        for (int p = 1; ; p++) {
            BigDecimal r = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(r.toString()) == d) {
                return decimal(r, 15);
            }
        }
    }

    /** A real as PostgreSQL 12+ prints it: shortest exact digits, {@code 0.1}, {@code 1.2345679e+08}. */
    public static String float4(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) {
            return special(f);
        }
        for (int p = 1; ; p++) {
            BigDecimal r = new BigDecimal(f).round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (Float.parseFloat(r.toString()) == f) {
                return decimal(r, 6);
            }
        }
    }

    private static String special(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return 1 / d < 0 ? "-0" : "0";
    }

    /** Fixed notation for exponents in [-4, maxExp), else {@code d.ddde+XX} as printf's {@code %e}. */
    private static String decimal(BigDecimal r, int maxExp) {
        BigDecimal s = r.stripTrailingZeros();
        int exp = s.precision() - s.scale() - 1;
        if (exp >= -4 && exp < maxExp) {
            return s.toPlainString();
        }
        String digits = s.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (s.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        int abs = Math.abs(exp);
        return sb.append('e').append(exp < 0 ? '-' : '+').append(abs < 10 ? "0" : "").append(abs).toString();
    }

    /** A timestamptz as PostgreSQL prints it with {@code TimeZone=UTC}: {@code 2024-03-01 10:15:30.5+00}. */
    public static String timestamptz(Instant i) {
        LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
        String date = date(t.toLocalDate());
        boolean bc = date.endsWith(" BC");
        return (bc ? date.substring(0, date.length() - 3) : date) + " " + time(t.toLocalTime()) + "+00" + (bc ? " BC" : "");
    }

    /** A timestamp as PostgreSQL prints it: {@code 2024-03-01 10:15:30.5}, {@code 0044-03-15 10:00:00 BC}. */
    public static String timestamp(LocalDateTime t) {
        String date = date(t.toLocalDate());
        boolean bc = date.endsWith(" BC");
        return (bc ? date.substring(0, date.length() - 3) : date) + " " + time(t.toLocalTime()) + (bc ? " BC" : "");
    }

    /** A date as PostgreSQL prints it: {@code 2024-03-01}, or {@code 0044-03-15 BC}. */
    public static String date(LocalDate d) {
        int year = d.getYear();
        String text = pad(year > 0 ? year : 1 - year, 4) + "-" + pad(d.getMonthValue(), 2) + "-" + pad(d.getDayOfMonth(), 2);
        return year > 0 ? text : text + " BC";
    }

    /** A time as PostgreSQL prints it: {@code 10:15:30}, {@code 10:15:30.5} (microseconds at most). */
    public static String time(LocalTime t) {
        StringBuilder sb = new StringBuilder(15).append(pad(t.getHour(), 2)).append(':').append(pad(t.getMinute(), 2))
                .append(':').append(pad(t.getSecond(), 2));
        return appendFraction(sb, t.getNano() / 1_000).toString();
    }

    /**
     * An interval as PostgreSQL prints it with {@code IntervalStyle=postgres}, from its three stored fields:
     * {@code 1 year 2 mons 3 days 04:05:06.78}, {@code -1 days +30:00:00}, {@code 00:00:00}.
     */
    public static String interval(int months, int days, long micros) {
        StringBuilder sb = new StringBuilder();
        boolean[] state = {true, false};
        part(sb, months / 12, "year", state);
        part(sb, months % 12, "mon", state);
        part(sb, days, "day", state);
        boolean zero = state[0];
        if (zero || micros != 0) {
            boolean minus = micros < 0;
            long abs = Math.abs(micros);
            sb.append(zero ? "" : " ").append(minus ? "-" : state[1] ? "+" : "")
                    .append(pad(abs / MICROS_PER_HOUR, 2)).append(':')
                    .append(pad(abs % MICROS_PER_HOUR / MICROS_PER_MINUTE, 2)).append(':')
                    .append(pad(abs % MICROS_PER_MINUTE / MICROS_PER_SECOND, 2));
            appendFraction(sb, abs % MICROS_PER_SECOND);
        }
        return sb.toString();
    }

    /** state[0]: nothing printed yet; state[1]: the last part printed was negative. */
    private static void part(StringBuilder sb, long value, String unit, boolean[] state) {
        if (value == 0) {
            return;
        }
        sb.append(state[0] ? "" : " ").append(state[1] && value > 0 ? "+" : "").append(value).append(' ').append(unit)
                .append(value != 1 ? "s" : "");
        state[1] = value < 0;
        state[0] = false;
    }

    private static StringBuilder appendFraction(StringBuilder sb, long micros) {
        if (micros != 0) {
            String frac = pad(micros, 6);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb;
    }

    private static String pad(long v, int width) {
        String s = Long.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
