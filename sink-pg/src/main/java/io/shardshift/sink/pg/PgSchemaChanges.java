package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.Backoff;
import io.shardshift.sink.pg.internal.DdlBuilder;
import io.shardshift.sink.pg.internal.PgSession;
import io.shardshift.sink.pg.internal.SchemaCheck;
import io.shardshift.sink.pg.internal.Targets;
import io.shardshift.sink.pg.internal.TypeNames;
import io.shardshift.sink.pg.internal.UserTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows a source table's additive DDL on a target: adds columns ({@code ADD COLUMN IF NOT EXISTS}, after
 * the user-defined types they use) and widens column types ({@code ALTER COLUMN ... TYPE}). Each call is one
 * transaction, idempotent (a restart or another apply task doing the same is harmless), and checks
 * afterwards that the target's columns are as expected, so a column an operator added by hand with another
 * definition fails loudly instead of being written.
 */
public final class PgSchemaChanges {
    private static final Logger LOG = LoggerFactory.getLogger(PgSchemaChanges.class);
    private static final int MAX_RETRIES = 3;

    private PgSchemaChanges() {
    }

    /**
     * Adds the columns to the table on the target.
     *
     * @param source the table as the source has it now (for the user-defined types the columns use)
     * @throws SinkException naming the target, table and column when the target refuses or differs
     */
    public static void addColumns(TargetSpec target, TableSchema source, List<AddedColumn> columns) {
        TableId table = source.id();
        run(target, "adding columns " + columns.stream().map(a -> a.column().name()).toList() + " to " + table, c -> {
            try (Statement s = c.createStatement()) {
                PgProvisioner.provisionTypes(c, s, target, UserTypes.of(List.of(source)));
                for (AddedColumn a : columns) {
                    s.execute(DdlBuilder.addColumn(table, a));
                }
            }
            for (AddedColumn a : columns) {
                expect(c, target, table, a.column().name(), a.column().type(), a.column().notNull());
            }
        });
        LOG.info("Added columns {} to {} on {}", columns, table, Targets.describe(target));
    }

    /**
     * Changes column types of the table on the target (widenings: the caller checked that every value is kept).
     *
     * @param types the new type of each column, as {@code format_type} prints it
     * @throws SinkException naming the target, table and column when the target refuses
     */
    public static void alterColumnTypes(TargetSpec target, TableId table, Map<String, String> types) {
        run(target, "changing column types " + types + " of " + table, c -> {
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, String> e : types.entrySet()) {
                    s.execute(DdlBuilder.alterColumnType(table, e.getKey(), e.getValue()));
                }
            }
        });
        LOG.info("Changed column types of {} on {}: {}", table, Targets.describe(target), types);
    }

    /** Creates a partition of a partitioned table on the target ({@code IF NOT EXISTS}), with the source's bound. */
    public static void addPartition(TargetSpec target, TableId parent, Partitioning.Partition partition) {
        run(target, "creating partition " + partition.id() + " of " + parent, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(DdlBuilder.createPartition(parent, partition));
            }
        });
        LOG.info("Partition {} of {} is on {}: {}", partition.id(), parent, Targets.describe(target), partition.bound());
    }

    private interface Change {
        void run(Connection c) throws SQLException;
    }

    private static void run(TargetSpec target, String what, Change change) {
        try (PgSession session = new PgSession(target, "schema change", MAX_RETRIES, Backoff.DEFAULT, null)) {
            session.inTransaction(() -> what, c -> {
                change.run(c);
                return null;
            });
        } catch (SQLException e) {
            throw new SinkException(what + " on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(e.getMessage(), target), e);
        }
    }

    private static void expect(Connection c, TargetSpec target, TableId table, String column, String type,
                               boolean notNull) throws SQLException {
        Optional<ColumnDef> have = SchemaCheck.columnDefs(c, table).stream().filter(d -> d.name().equals(column))
                .findFirst();
        if (have.isEmpty() || !TypeNames.sameType(have.get().type(), type) || have.get().notNull() != notNull) {
            throw new SinkException("column " + column + " of " + table + " on " + Targets.describe(target) + " is "
                    + have.map(d -> d.type() + (d.notNull() ? " NOT NULL" : "")).orElse("missing")
                    + ", expected " + type + (notNull ? " NOT NULL" : "") + ": make it so by hand, then resume the table");
        }
    }
}
