package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.schema.UserType;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.Backoff;
import io.shardshift.sink.pg.internal.DdlBuilder;
import io.shardshift.sink.pg.internal.Names;
import io.shardshift.sink.pg.internal.PgSession;
import io.shardshift.sink.pg.internal.SchemaCheck;
import io.shardshift.sink.pg.internal.SqlStates;
import io.shardshift.sink.pg.internal.Targets;
import io.shardshift.sink.pg.internal.UserTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Creates the tables of a migration on a PostgreSQL target, idempotently, in one transaction:
 * <ul>
 *   <li>each table's schema, then the table with the same columns (types from the source's catalog,
 *       {@code NOT NULL} kept), its primary key and the fence column {@code _ss_lsn bigint NOT NULL DEFAULT 0};</li>
 *   <li>its secondary indexes on plain columns, created non-unique (the targets apply different keys'
 *       changes in another order than the source committed them, so a unique index could reject a valid
 *       change for a while; {@link UniqueIndexes} makes them unique at the cutover, after its drain);</li>
 *   <li>{@code shardshift.shardshift_tombstones(table_name text, key text[], lsn bigint, PRIMARY KEY(table_name, key))}.</li>
 * </ul>
 * A table that already exists must match (same columns, types, nullability, primary key and fence column);
 * otherwise provisioning fails naming the table and column, and nothing is created.
 *
 * <p>Before the tables, the source's user-defined types they use ({@link TableSchema#userTypes()}: enums,
 * domains with their base type and checks, composite types) are created in dependency order; a type that
 * already exists must have the same definition, else provisioning fails naming it. Types of extensions
 * must already exist on the target. Stored generated columns are created with their expression.
 */
public final class PgProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(PgProvisioner.class);
    private static final int MAX_RETRIES = 3;

    private PgProvisioner() {
    }

    /**
     * Provisions the tables on the target.
     *
     * @throws IllegalArgumentException naming the table and column when a definition is not valid
     * @throws SinkException            naming the table and column when an existing table differs, or when the
     *                                  target fails
     */
    public static void provision(TargetSpec target, List<TableSchema> tables) {
        provision(target, tables, Map.of());
    }

    /**
     * Provisions the tables on the target; a table in {@code partitioned} gets that partitioning (its
     * partitions with their bounds), the others a plain table.
     *
     * @throws IllegalArgumentException naming the table and column when a definition is not valid
     * @throws SinkException            naming the table when an existing table differs, or when the target fails
     */
    public static void provision(TargetSpec target, List<TableSchema> tables, Map<TableId, Partitioning> partitioned) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tables, "tables");
        for (TableSchema t : tables) {
            DdlBuilder.createTable(t);
            DdlBuilder.createIndexes(t);
        }
        try (PgSession session = new PgSession(target, "provisioner", MAX_RETRIES, Backoff.DEFAULT, null)) {
            session.inTransaction(() -> "provisioning " + tables.stream().map(t -> t.id().toString()).toList(),
                    c -> {
                        provision(c, target, tables, partitioned);
                        return null;
                    });
        } catch (SQLException e) {
            throw new SinkException("provisioning failed on " + Targets.describe(target) + ": " + e.getMessage(), e);
        }
        LOG.info("Provisioned {} tables on {}", tables.size(), Targets.describe(target));
    }

    /**
     * The columns a table has on the target now (without Shardshift's fence column), in table order; empty
     * when the table does not exist. Used to check that an operator applied a source DDL to the target.
     *
     * @throws SinkException naming the target when it cannot be read
     */
    public static List<ColumnDef> columnsOnTarget(TargetSpec target, TableId table) {
        try (Connection c = Targets.connect(target, "schema check")) {
            return SchemaCheck.columnDefs(c, table);
        } catch (SQLException e) {
            throw new SinkException("reading the columns of " + table + " on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(e.getMessage(), target), e);
        }
    }

    private static void provision(Connection c, TargetSpec target, List<TableSchema> tables,
                                  Map<TableId, Partitioning> partitioned) throws SQLException {
        try (Statement s = c.createStatement()) {
            TreeSet<String> schemas = new TreeSet<>();
            tables.forEach(t -> schemas.add(t.id().schema()));
            List<UserType> types = UserTypes.of(tables);
            types.stream().filter(u -> u.kind() != UserType.Kind.EXTERNAL).forEach(u -> schemas.add(u.schema()));
            schemas.add(Names.SCHEMA);
            for (String schema : schemas) {
                s.execute(DdlBuilder.createSchema(schema));
            }
            s.execute(DdlBuilder.createTombstones());
            provisionTypes(c, s, target, types);
            for (TableSchema t : tables) {
                if (SchemaCheck.exists(c, t.id())) {
                    List<String> diffs = SchemaCheck.differences(c, t);
                    if (!diffs.isEmpty()) {
                        throw new SinkException("table " + t.id() + " already exists on " + Targets.describe(target)
                                + " with different columns: " + String.join("; ", diffs));
                    }
                    LOG.info("Table {} already exists on {} as expected", t.id(), Targets.describe(target));
                } else {
                    execute(s, DdlBuilder.createTable(t, partitioned.get(t.id())), "creating table " + t.id(), target);
                }
                Partitioning p = partitioned.get(t.id());
                if (p != null) {
                    for (Partitioning.Partition part : p.partitions()) {
                        execute(s, DdlBuilder.createPartition(t.id(), part), "creating partition " + part.id(), target);
                    }
                }
                for (String index : DdlBuilder.createIndexes(t)) {
                    execute(s, index, "creating an index of table " + t.id(), target);
                }
            }
        }
    }

    static void provisionTypes(Connection c, Statement s, TargetSpec target, List<UserType> types)
            throws SQLException {
        for (UserType type : types) {
            Optional<String> problem = UserTypes.problem(c, type);
            if (problem.isPresent()) {
                throw new SinkException(problem.get() + " on " + Targets.describe(target));
            }
            if (type.kind() != UserType.Kind.EXTERNAL && !UserTypes.exists(c, type)) {
                execute(s, DdlBuilder.createType(type), "creating type " + type, target);
                LOG.info("Created type {} on {}", type, Targets.describe(target));
            }
        }
    }

    private static void execute(Statement s, String ddl, String what, TargetSpec target) throws SQLException {
        try {
            s.execute(ddl);
        } catch (SQLException e) {
            if (SqlStates.classify(e) == SqlStates.Kind.RETRIABLE) {
                throw e;
            }
            throw new SinkException(what + " on " + Targets.describe(target) + " failed: "
                    + Targets.scrub(SqlStates.state(e) + " " + e.getMessage(), target) + "\n" + ddl, e);
        }
    }
}
