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
 * this stack, even with {@link PgTextConverter}: {@code time with time zone} (and domains over it) reaches the
 * converter already moved to UTC, so its offset is lost. A table with such a column is refused before the
 * migration starts, naming the column and its type, instead of diverging later. Arrays of it are carried (as
 * the array's text).
 */
public final class CapturableTypes {
    private static final Map<String, String> REFUSED = Map.of(
            "time with time zone", "the UTC offset is changed to +00");

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
        for (UserType u : table.userTypes()) {
            if (u.kind() == UserType.Kind.DOMAIN
                    && u.name().equalsIgnoreCase(t.substring(t.lastIndexOf('.') + 1).replace("\"", ""))) {
                return reason(table, u.baseType());
            }
        }
        return Optional.empty();
    }
}
