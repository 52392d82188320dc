package io.shardshift.cdc.internal;

import io.shardshift.core.event.KeyText;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one Kafka Connect value produced by Debezium's PostgreSQL connector (configured with
 * {@code decimal.handling.mode=string}, {@code interval.handling.mode=string},
 * {@code binary.handling.mode=bytes}) into PostgreSQL's text form of the value, which a PostgreSQL
 * target casts back to the column type without loss.
 *
 * <p>Dates, times and timestamps are printed as PostgreSQL prints them ({@code 2024-03-01},
 * {@code 10:15:30.5}, {@code 2024-03-01 10:15:30.123456}); zoned values, JSON, UUID, XML, numeric and
 * interval strings are passed through, except the forms key text needs canonical ({@link KeyText}):
 * timestamptz printed in UTC ({@code 2024-03-01 10:15:30.5+00}), booleans as {@code t}/{@code f}, floats
 * shortest-exact ({@code 1e+20}), intervals in {@code IntervalStyle=postgres}; bytes become {@code \x} followed by hex; arrays become array
 * literals ({@code {1,2,"a b"}}). Unknown logical types fall back to {@code toString()}.
 */
public final class PgTextValues {
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern ISO_INTERVAL =
            Pattern.compile("P(-?\\d+)Y(-?\\d+)M(-?\\d+)DT(-?\\d+)H(-?\\d+)M(-?\\d+(?:\\.\\d+)?)S");
    /** PostgreSQL's longest bit string; Debezium reports an unbounded {@code bit varying} with a longer length. */
    private static final int MAX_BIT_LENGTH = 83_886_080;
    /** Debezium's {@code infinity} and {@code -infinity} timestamps, in microseconds since 1970 (PGStatement's constants). */
    private static final long INFINITY_MICROS = 9_223_372_036_825_200_000L;
    private static final long MINUS_INFINITY_MICROS = -9_223_372_036_832_400_000L;
    /** 4714-11-24 BC 00:00:00 (Julian day 0), PostgreSQL's first timestamp, in microseconds since 1970. */
    private static final long FIRST_TIMESTAMP_MICROS = -210_866_803_200_000_000L;

    private PgTextValues() {
    }

    /** The text form of a value, {@code null} for SQL NULL. */
    public static String toText(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema == null ? null : schema.name();
        if (name != null) {
            String logical = logical(name, schema, value);
            if (logical != null) {
                return logical;
            }
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HEX.formatHex(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return "\\x" + HEX.formatHex(toBytes(buffer));
        }
        if (value instanceof List<?> list) {
            return arrayLiteral(schema == null ? null : schema.valueSchema(), list);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Boolean b) {
            return KeyText.bool(b);
        }
        if (value instanceof Double d) {
            return KeyText.float8(d);
        }
        if (value instanceof Float f) {
            return KeyText.float4(f);
        }
        if (value instanceof String s && isByteaSource(schema)) {
            return "\\x" + s.toLowerCase(Locale.ROOT);
        }
        return value.toString();
    }

    private static String logical(String name, Schema schema, Object value) {
        return switch (name) {
            case "io.debezium.time.Date" -> epochDay(((Number) value).longValue());
            case "io.debezium.time.Timestamp" -> timestamp(((Number) value).longValue(), 1_000L);
            case "io.debezium.time.MicroTimestamp" -> timestamp(((Number) value).longValue(), 1L);
            case "io.debezium.time.NanoTimestamp" -> nanoTimestamp(((Number) value).longValue());
            case "io.debezium.time.Time" -> time(LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L));
            case "io.debezium.time.MicroTime" -> time(microsOfDay(((Number) value).longValue()));
            case "io.debezium.time.NanoTime" -> time(LocalTime.ofNanoOfDay(((Number) value).longValue()));
            case "io.debezium.time.ZonedTimestamp" -> zonedTimestamp((String) value);
            case "io.debezium.time.Interval" -> isoInterval((String) value);
            case "io.debezium.time.MicroDuration" -> ((Number) value).longValue() + " microseconds";
            case "io.debezium.data.Bits" -> bits(schema, value);
            case "io.debezium.data.geometry.Point" -> "(" + Double.toString(((Struct) value).getFloat64("x")) + ","
                    + Double.toString(((Struct) value).getFloat64("y")) + ")";
            case "io.debezium.data.VariableScaleDecimal" -> variableScaleDecimal((Struct) value);
            case "org.apache.kafka.connect.data.Decimal" -> ((BigDecimal) value).toPlainString();
            case "org.apache.kafka.connect.data.Date" ->
                    date(LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC));
            case "org.apache.kafka.connect.data.Time" ->
                    time(LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC));
            case "org.apache.kafka.connect.data.Timestamp" ->
                    timestamp(LocalDateTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC));
            default -> null;
        };
    }

    /**
     * A date from Debezium's epoch days, where {@code infinity} and {@code -infinity} are sentinels far before
     * PostgreSQL's first date. Dates normally come through {@link PgTextConverter} as text; this keeps Debezium's
     * own form exact too, should a date reach here in it.
     */
    static String epochDay(long days) {
        LocalDate d = LocalDate.ofEpochDay(days);
        return PgTextConverter.date(d);
    }

    /** A date as PostgreSQL prints it: {@code 2024-03-01}, or {@code 0044-03-15 BC}. */
    static String date(LocalDate d) {
        return KeyText.date(d);
    }

    /** A time as PostgreSQL prints it: {@code 10:15:30}, {@code 10:15:30.5}. */
    static String time(LocalTime t) {
        return KeyText.time(t);
    }

    /**
     * A timestamptz from Debezium's ISO form in UTC ({@code 2024-03-01T10:15:30.500000Z}) as PostgreSQL prints
     * it with {@code TimeZone=UTC} ({@code 2024-03-01 10:15:30.5+00}); {@code infinity} stays as is.
     */
    static String zonedTimestamp(String iso) {
        if (iso.equals("infinity") || iso.equals("-infinity")) {
            return iso;
        }
        return KeyText.timestamptz(OffsetDateTime.parse(iso).toInstant());
    }

    /**
     * An interval from Debezium's {@code interval.handling.mode=string} form ({@code P1Y2M3DT4H5M6.78S}, each
     * part signed) as PostgreSQL prints it with {@code IntervalStyle=postgres}.
     *
     * @throws IllegalArgumentException when the text is not in that form
     */
    static String isoInterval(String iso) {
        Matcher m = ISO_INTERVAL.matcher(iso);
        if (!m.matches()) {
            throw new IllegalArgumentException("interval '" + iso + "' is not in Debezium's PnYnMnDTnHnMnS form");
        }
        int months = Math.addExact(Math.multiplyExact(Integer.parseInt(m.group(1)), 12), Integer.parseInt(m.group(2)));
        long micros = Math.addExact(Math.addExact(Math.multiplyExact(Long.parseLong(m.group(4)), 3_600_000_000L),
                Math.multiplyExact(Long.parseLong(m.group(5)), 60_000_000L)),
                new BigDecimal(m.group(6)).movePointRight(6).longValueExact());
        return KeyText.interval(months, Integer.parseInt(m.group(3)), micros);
    }

    private static String timestamp(LocalDateTime ts) {
        int year = ts.getYear();
        String text = date(ts.toLocalDate());
        String time = time(ts.toLocalTime());
        return year > 0 ? text + " " + time : text.substring(0, text.length() - 3) + " " + time + " BC";
    }

    private static String timestamp(long value, long microsPerUnit) {
        long micros = Math.multiplyExact(value, microsPerUnit);
        if (micros == INFINITY_MICROS) {
            return "infinity";
        }
        if (micros == MINUS_INFINITY_MICROS) {
            return "-infinity";
        }
        if (micros < FIRST_TIMESTAMP_MICROS) {
            throw new IllegalArgumentException("timestamp of " + micros + " microseconds since 1970 is before PostgreSQL's"
                    + " first (4714-11-24 BC): Debezium's 64-bit count overflowed on a value after 294247-01-10");
        }
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long nanos = Math.floorMod(micros, 1_000_000L) * 1_000L;
        return timestamp(LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC));
    }

    private static String nanoTimestamp(long nanosSinceEpoch) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(nanosSinceEpoch, 1_000_000_000L),
                Math.floorMod(nanosSinceEpoch, 1_000_000_000L));
        return timestamp(LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    private static LocalTime microsOfDay(long micros) {
        if (micros == 86_400_000_000L) {
            return LocalTime.MAX.withNano(999_999_000);
        }
        return LocalTime.ofNanoOfDay(micros * 1_000L);
    }

    /** Bits in little-endian order (bit 0 = rightmost character) with the bit count in {@code length}. */
    private static String bits(Schema schema, Object value) {
        byte[] bytes = value instanceof ByteBuffer b ? toBytes(b) : (byte[]) value;
        int length = bytes.length * 8;
        Map<String, String> params = schema.parameters();
        if (params != null && params.get("length") != null) {
            length = Integer.parseInt(params.get("length"));
        }
        if (length > MAX_BIT_LENGTH) {
            throw new IllegalArgumentException("a bit varying value of " + bytes.length + " bytes with declared length "
                    + length + " has no exact bit count (its leading zeros are lost)");
        }
        StringBuilder sb = new StringBuilder(length);
        for (int i = length - 1; i >= 0; i--) {
            boolean set = i / 8 < bytes.length && (bytes[i / 8] & (1 << (i % 8))) != 0;
            sb.append(set ? '1' : '0');
        }
        return sb.toString();
    }

    private static String variableScaleDecimal(Struct s) {
        Object raw = s.get("value");
        byte[] bytes = raw instanceof ByteBuffer b ? toBytes(b) : (byte[]) raw;
        return new BigDecimal(new BigInteger(bytes), s.getInt32("scale")).toPlainString();
    }

    private static boolean isByteaSource(Schema schema) {
        Map<String, String> params = schema == null ? null : schema.parameters();
        return params != null && "BYTEA".equalsIgnoreCase(params.get("__debezium.source.column.type"));
    }

    private static String arrayLiteral(Schema elementSchema, List<?> list) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String element = toText(elementSchema, list.get(i));
            if (element == null) {
                sb.append("NULL");
            } else if (needsQuotes(element)) {
                sb.append('"').append(element.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                sb.append(element);
            }
        }
        return sb.append('}').toString();
    }

    private static boolean needsQuotes(String element) {
        if (element.isEmpty() || element.equalsIgnoreCase("NULL")) {
            return true;
        }
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || c == ' ' || c == '\t' || c == '\n'
                    || c == '\r' || c == 0x0B || c == '\f') {
                return true;
            }
        }
        return false;
    }

    static byte[] toBytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }


}
