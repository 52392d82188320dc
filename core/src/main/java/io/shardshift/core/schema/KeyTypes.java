package io.shardshift.core.schema;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The column types whose values Shardshift can put in {@link io.shardshift.core.event.KeyText canonical key
 * text} from both the backfill and the stream, so they may be primary key or shard key columns. Any other
 * type is refused before a migration starts: for it the two paths could give different text for one value,
 * and a deleted row could come back or a row land on two targets.
 *
 * <p>Refused on purpose: {@code time with time zone} (Debezium converts it to UTC and loses the offset
 * PostgreSQL prints), {@code money} (printed by locale), and types Shardshift has not verified on both
 * paths (network addresses, enums, domains, ranges, geometric and user-defined types).
 */
public final class KeyTypes {
    private static final Pattern SUPPORTED = Pattern.compile(
            "(smallint|integer|bigint|numeric(\\(\\d+(,-?\\d+)?\\))?|real|double precision|boolean|text"
                    + "|character varying(\\(\\d+\\))?|character(\\(\\d+\\))?|uuid|date|bytea"
                    + "|time(\\(\\d\\))? without time zone|timestamp(\\(\\d\\))? with(out)? time zone"
                    + "|interval(\\(\\d\\))?)(\\[\\])*");

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
                + " char, uuid, date, time, timestamp, timestamptz, interval, bytea and arrays of them";
    }
}
