package io.shardshift.engine.run;

import io.shardshift.cdc.SourcePartitions;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The partitioning of each table whose targets get the source's ({@code tables[].targetPartitioning: same}),
 * checked before anything is provisioned: the table must be partitioned one level deep by plain columns that
 * its key includes (PostgreSQL requires a partitioned table's primary key to contain the partition key), and
 * have no unique secondary index (restoring one after the cutover builds it {@code CONCURRENTLY}, which a
 * partitioned table does not allow). Every problem is reported at once with its fix.
 */
final class TargetPartitionings {
    private TargetPartitionings() {
    }

    /**
     * @return the partitioning of each table with {@code targetPartitioning: same}
     * @throws SpecException naming {@code tables[i].targetPartitioning} and the fix for each table that cannot
     */
    static Map<TableId, Partitioning> check(MigrationSpec spec, List<TableSchema> tables) {
        Map<TableId, Partitioning> out = new LinkedHashMap<>();
        List<SpecException.Problem> problems = new ArrayList<>();
        if (spec.tables().stream().noneMatch(t -> t.samePartitioning())) {
            return out;
        }
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                spec.source().password())) {
            SourcePartitions partitions = new SourcePartitions(c);
            for (int i = 0; i < spec.tables().size(); i++) {
                if (!spec.tables().get(i).samePartitioning()) {
                    continue;
                }
                String field = "tables[" + i + "].targetPartitioning";
                TableId id = TableId.parse(spec.tables().get(i).name());
                TableSchema table = tables.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
                Optional<Partitioning> p = partitions.of(id);
                List<String> why = p.isEmpty() ? List.of("table " + id + " is not partitioned") : problems(table, p.get());
                if (why.isEmpty()) {
                    out.put(id, p.get());
                }
                why.forEach(w -> problems.add(new SpecException.Problem(field, w + "; use targetPartitioning: plain")));
            }
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "reading the partitions of the source's tables failed: "
                    + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return out;
    }

    private static List<String> problems(TableSchema table, Partitioning p) {
        List<String> out = new ArrayList<>();
        if (p.keyColumns() == null) {
            out.add("the partition key of " + table.id() + " (" + p.keyDef() + ") has an expression, which the"
                    + " targets' primary key cannot include");
        } else if (!table.primaryKey().containsAll(p.keyColumns())) {
            out.add("the key " + table.primaryKey() + " of " + table.id() + " does not include the partition key "
                    + p.keyColumns() + " (PostgreSQL requires it on a partitioned table); add those columns to the"
                    + " key");
        }
        p.partitions().stream().filter(Partitioning.Partition::partitioned).forEach(part -> out.add("partition "
                + part.id() + " of " + table.id() + " is partitioned itself (only one level is supported)"));
        table.indexes().stream().filter(IndexDef::unique).forEach(ix -> out.add("unique index " + ix.name() + " of "
                + table.id() + " is restored after the cutover with CREATE UNIQUE INDEX CONCURRENTLY, which a"
                + " partitioned table does not allow"));
        return out;
    }
}
