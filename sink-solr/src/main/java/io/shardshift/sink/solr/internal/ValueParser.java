package io.shardshift.sink.solr.internal;

import io.shardshift.sink.solr.SolrFieldType;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Locale;

/**
 * Converts PostgreSQL's text form of a value into the Java value SolrJ sends for a Solr field type.
 * Booleans accept {@code t/f/true/false/1/0}; dates accept {@code 2024-01-02},
 * {@code 2024-01-02 03:04:05[.ffffff][+hh[:mm[:ss]]]} (no offset = UTC) and the ISO {@code T} form, and keep
 * millisecond precision. Strings are passed as they are: Solr itself rejects a term over 32766 bytes.
 */
public final class ValueParser {
    private ValueParser() {
    }

    /**
     * Parses a value.
     *
     * @throws IllegalArgumentException with a reason naming the type when the text does not fit it
     */
    public static Object parse(String text, SolrFieldType type) {
        try {
            return switch (type) {
                case STRING, TEXT -> text;
                case INT -> Integer.valueOf(text.trim());
                case LONG -> Long.valueOf(text.trim());
                case FLOAT -> Float.valueOf(text.trim());
                case DOUBLE -> Double.valueOf(text.trim());
                case BOOLEAN -> parseBoolean(text);
                case DATE -> parseDate(text);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a valid " + type.solrName(), e);
        }
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "1", "y", "yes", "on" -> Boolean.TRUE;
            case "f", "false", "0", "n", "no", "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a valid boolean");
        };
    }

    private static Date parseDate(String text) {
        String s = text.trim();
        if (s.endsWith(" BC") || s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("-infinity")) {
            throw new IllegalArgumentException("'" + s + "' cannot be stored in a pdate field");
        }
        if (s.length() == 10) {
            return Date.from(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        int offsetAt = offsetStart(s);
        if (offsetAt < 0) {
            return Date.from(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
        }
        String offset = s.substring(offsetAt);
        if (offset.length() == 3) {
            offset = offset + ":00";
        }
        return Date.from(OffsetDateTime.parse(s.substring(0, offsetAt) + offset).toInstant());
    }

    /** Where the UTC offset of an ISO date-time starts (after the time part), or -1. */
    private static int offsetStart(String s) {
        for (int i = 11; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+' || c == '-' || c == 'Z') {
                return i;
            }
        }
        return -1;
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
