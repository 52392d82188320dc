package io.shardshift.core.schema;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The column types whose values Shardshift can put in {@link io.shardshift.core.event.KeyText canonical key
 * text} from both the backfill and the stream, so they may be primary key or shard key columns. Any other
 * type is refused before a migration starts: for it the two paths could give different text for one value,
 * and a deleted row could come back or a row land on two targets.
 *
 * <p>Arrays are keys only of element types whose array text does not depend on session settings: the stream
 * carries an array as the text the replication session prints (so that multi-dimensional arrays and BC or
 * {@code infinity} elements stay exact), which for floats, intervals and {@code bytea} depends on its
 * settings ({@code timestamptz} elements are put in UTC).
 *
 * <p>Refused on purpose: {@code time with time zone} (Debezium converts it to UTC and loses the offset
 * PostgreSQL prints), {@code money} (printed by locale), and types Shardshift has not verified on both
 * paths (network addresses, enums, domains, ranges, geometric and user-defined types).
 */
public final class KeyTypes {
    /**
     * Element types whose array text the stream gives exactly as the backfill does: PostgreSQL prints them the same
     * in every session, except timestamptz, which change capture prints in UTC.
     */
    private static final String ARRAY_ELEMENTS = "smallint|integer|bigint|numeric(\\(\\d+(,-?\\d+)?\\))?|boolean|text"
            + "|character varying(\\(\\d+\\))?|character(\\(\\d+\\))?|uuid|date"
            + "|time(\\(\\d\\))? without time zone|timestamp(\\(\\d\\))? with(out)? time zone";
    private static final Pattern SUPPORTED = Pattern.compile(
            "(" + ARRAY_ELEMENTS + "|real|double precision|bytea|interval(\\(\\d\\))?)|(" + ARRAY_ELEMENTS + ")(\\[\\])+");

    private KeyTypes() {
    }

    /** Whether a type, as {@code format_type} prints it (see {@link ColumnDef#type()}), is supported. */
    public static boolean supported(String type) {
        return type != null && SUPPORTED.matcher(type.toLowerCase(Locale.ROOT)).matches();
    }

    /** Why a key column is refused, or {@code null} when its type is supported. */
    public static String problem(String table, ColumnDef column, String role) {
        if (supported(column.type())) {
            return null;
        }
        return "column " + table + "." + column.name() + " is a " + role + " of type " + column.type()
                + ", which Shardshift cannot key by: the backfill and the change stream could give different text for"
                + " one value. Supported key types: integers, numeric, real, double precision, boolean, text, varchar,"
                + " char, uuid, date, time, timestamp, timestamptz, interval, bytea, and arrays of integers, numeric,"
                + " boolean, text, varchar, char, uuid, date, time, timestamp and timestamptz (the stream carries an"
                + " array as the text the replication session prints, which for floats, intervals and bytea depends on"
                + " that session's settings)";
    }
}
