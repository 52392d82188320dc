package io.shardshift.cdc.internal;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.schema.UserType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The column types that Debezium 3.6's PostgreSQL connector (pgoutput) cannot carry exactly, measured on
 * this stack: it leaves some out of its change events ("Unexpected JDBC type ... will be ignored"), fails on
 * others, or changes the value. A table with such a column is refused before the migration starts, naming
 * the column and its type, instead of diverging later.
 */
public final class CapturableTypes {
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("int4multirange", "left out of change events"),
            Map.entry("int8multirange", "left out of change events"),
            Map.entry("nummultirange", "left out of change events"),
            Map.entry("datemultirange", "left out of change events"),
            Map.entry("tsmultirange", "left out of change events"),
            Map.entry("tstzmultirange", "left out of change events"),
            Map.entry("tsquery", "left out of change events"),
            Map.entry("line", "left out of change events"),
            Map.entry("lseg", "left out of change events"),
            Map.entry("box", "left out of change events"),
            Map.entry("path", "left out of change events"),
            Map.entry("polygon", "left out of change events"),
            Map.entry("circle", "left out of change events"),
            Map.entry("interval[]", "left out of change events"),
            Map.entry("numeric[]", "capture fails on NaN elements"),
            Map.entry("time with time zone", "the UTC offset is changed to +00"),
            Map.entry("bit varying", "the bit count (leading zeros) is lost"));

    private CapturableTypes() {
    }

    /** One line per column of the table whose type cannot be captured exactly; empty when all can. */
    public static List<String> problems(TableSchema table) {
        List<String> out = new ArrayList<>();
        for (ColumnDef c : table.columns()) {
            if (c.isGenerated()) {
                continue;
            }
            reason(table, c.type()).ifPresent(r -> out.add("column " + table.id() + "." + c.name() + " has type "
                    + c.type() + ", which change capture (Debezium pgoutput) cannot carry exactly: " + r));
        }
        return out;
    }

    private static Optional<String> reason(TableSchema table, String type) {
        String t = type.toLowerCase(Locale.ROOT).replaceAll("\\(\\d+(,\\d+)?\\)", "").trim();
        String known = REFUSED.get(t);
        if (known != null) {
            return Optional.of(known);
        }
        String element = t.replace("[]", "");
        if (REFUSED.containsKey(element) && !t.equals(element)) {
            return Optional.of(REFUSED.get(element));
        }
        for (UserType u : table.userTypes()) {
            if (!u.name().equalsIgnoreCase(element.substring(element.lastIndexOf('.') + 1).replace("\"", ""))) {
                continue;
            }
            if (u.kind() == UserType.Kind.COMPOSITE) {
                return Optional.of("composite values are left out of change events");
            }
            if (u.kind() == UserType.Kind.ENUM && !t.equals(element)) {
                return Optional.of("capture fails on NULL elements of enum arrays");
            }
            if (u.kind() == UserType.Kind.DOMAIN) {
                String base = u.baseType().toLowerCase(Locale.ROOT);
                boolean overEnumOrComposite = table.userTypes().stream().anyMatch(b -> b.kind() != UserType.Kind.DOMAIN
                        && b.kind() != UserType.Kind.EXTERNAL && base.endsWith(b.name().toLowerCase(Locale.ROOT)));
                if (overEnumOrComposite) {
                    return Optional.of("Debezium fails to start on a domain over an enum and leaves a domain over a"
                            + " composite type out of change events");
                }
                return reason(table, u.baseType());
            }
        }
        return Optional.empty();
    }
}
