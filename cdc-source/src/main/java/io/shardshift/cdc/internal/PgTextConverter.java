package io.shardshift.cdc.internal;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import io.shardshift.core.event.KeyText;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.Set;

/**
 * A Debezium column converter that gives PostgreSQL's exact text form for the column types whose default
 * conversion loses or changes values (measured with Debezium 3.6 and pgoutput):
 *
 * <ul>
 *   <li>{@code date}, {@code timestamp}, {@code timestamptz}: {@code infinity} and {@code -infinity} arrive
 *       as Debezium's sentinel values and become {@code infinity}/{@code -infinity} again; timestamps after
 *       year 294247, which overflow Debezium's 64-bit microsecond count, stay exact; printed as
 *       {@link KeyText} prints them ({@code 0044-03-15 BC}).</li>
 *   <li>arrays: the text pgoutput sent (for {@code timestamptz[]} with its elements in UTC, as the backfill prints
 *       them, not in the replication session's time zone) ({@code {{1,2},{3,NULL}}}, {@code [2:3]={1,2}}),
 *       which Debezium otherwise flattens (multi-dimensional arrays become {@code {NULL,NULL}}) or reads through
 *       the JDBC driver's Julian calendar (BC and {@code infinity} elements of date and timestamp arrays change).</li>
 *   <li>{@code time}: the text sent ({@code 24:00:00}, which Debezium turns into {@code 23:59:59.999999}).</li>
 *   <li>{@code numeric}: {@code NaN}, {@code Infinity}, {@code -Infinity} and the scale.</li>
 *   <li>{@code bit varying}: the bits sent, leading zeros and all.</li>
 *   <li>{@code box}, {@code lseg}, {@code line}, {@code path}, {@code polygon}, {@code circle}: their text form,
 *       which Debezium leaves out of change events.</li>
 *   <li>composite types (and domains over them), multiranges, {@code tsquery} and every other type of JDBC type
 *       {@code OTHER} but interval, money and point: the text pgoutput sent, which Debezium hands over as is
 *       with {@code include.unknown.datatypes=true} (and otherwise leaves out of change events).</li>
 * </ul>
 *
 * <p>Domains are converted as their base type (Debezium reports the base type's oid).
 *
 * <p>An array's text is what the replication session printed; it equals canonical key text
 * ({@link KeyText}) for the element types {@link io.shardshift.core.schema.KeyTypes} accepts in key arrays
 * (not for timestamptz, floats, intervals or bytea, whose text depends on session settings).
 */
public final class PgTextConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    /** The name of the converter in Debezium's {@code converters} property. */
    public static final String NAME = "pgtext";
    /** The Connect schema name of the converted values. */
    public static final String SCHEMA_NAME = "io.shardshift.PgText";

    private static final int DATE = 1082;
    private static final int TIMESTAMP = 1114;
    private static final int TIMESTAMPTZ = 1184;
    private static final int TIMESTAMPTZ_ARRAY = 1185;
    private static final int TIME = 1083;
    private static final int NUMERIC = 1700;
    private static final int VARBIT = 1562;
    private static final Set<Integer> GEOMETRIC = Set.of(601, 602, 603, 604, 628, 718);
    /** interval, money, point: of JDBC type OTHER, but Debezium's conversion of them is exact and kept. */
    private static final Set<Integer> DEBEZIUM_OTHER = Set.of(1186, 790, 600);

    @Override
    public void configure(Properties props) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        int type = column.nativeType();
        boolean array = column.jdbcType() == Types.ARRAY;
        boolean other = (column.jdbcType() == Types.OTHER || column.jdbcType() == Types.STRUCT)
                && !DEBEZIUM_OTHER.contains(type);
        if (array || other || type == DATE || type == TIMESTAMP || type == TIMESTAMPTZ || type == TIME || type == NUMERIC
                || type == VARBIT || GEOMETRIC.contains(type)) {
            registration.register(SchemaBuilder.string().name(SCHEMA_NAME).optional(), value -> text(type, value));
        }
    }

    /**
     * The text form of one value handed over by Debezium's pgoutput decoder, or Debezium's unavailable-value
     * placeholder for an unchanged TOAST value.
     *
     * @throws IllegalArgumentException for a value of a form this converter does not know (never guessed)
     */
    static String text(int type, Object value) {
        if (value == null) {
            return null;
        }
        if (UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value)) {
            return DebeziumEventConverter.UNAVAILABLE_PLACEHOLDER;
        }
        if (value instanceof String s) {
            return s;
        }
        Object out = switch (type) {
            case DATE -> value instanceof LocalDate d ? date(d) : null;
            case TIMESTAMP -> value instanceof Instant i ? timestamp(i) : null;
            case TIMESTAMPTZ -> value instanceof OffsetDateTime t ? timestamptz(t) : null;
            case NUMERIC -> value instanceof SpecialValueDecimal d ? numeric(d) : null;
            case TIMESTAMPTZ_ARRAY -> value instanceof java.sql.Array
                    ? PgArrayText.mapElements(value.toString(), PgArrayText::timestamptzInUtc) : null;
            default -> value instanceof java.sql.Array || GEOMETRIC.contains(type) ? value.toString() : null;
        };
        if (out == null) {
            throw new IllegalArgumentException("a value of type oid " + type + " came as " + value.getClass().getName()
                    + ", which has no known exact text form");
        }
        return (String) out;
    }

    static String date(LocalDate d) {
        if (d.equals(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)) {
            return "infinity";
        }
        if (d.equals(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)) {
            return "-infinity";
        }
        return KeyText.date(d);
    }

    static String timestamp(Instant i) {
        if (i.equals(PostgresValueConverter.POSITIVE_INFINITY_INSTANT)) {
            return "infinity";
        }
        if (i.equals(PostgresValueConverter.NEGATIVE_INFINITY_INSTANT)) {
            return "-infinity";
        }
        return KeyText.timestamp(LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    static String timestamptz(OffsetDateTime t) {
        if (t.equals(PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME)) {
            return "infinity";
        }
        if (t.equals(PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME)) {
            return "-infinity";
        }
        return KeyText.timestamptz(t.toInstant());
    }

    static String numeric(SpecialValueDecimal d) {
        if (d.equals(SpecialValueDecimal.NOT_A_NUMBER)) {
            return "NaN";
        }
        if (d.equals(SpecialValueDecimal.POSITIVE_INF)) {
            return "Infinity";
        }
        if (d.equals(SpecialValueDecimal.NEGATIVE_INF)) {
            return "-Infinity";
        }
        return d.getDecimalValue().map(BigDecimal::toPlainString)
                .orElseThrow(() -> new IllegalArgumentException("numeric " + d + " has no value"));
    }
}
