package io.shardshift.migrator.run;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.topology.SinkFactory;
import io.shardshift.sink.pg.PgTargetSink;

import java.util.List;

/** Opens the PostgreSQL sink of a target named in the spec. */
final class PgSinks implements SinkFactory {
    private final MigrationSpec spec;
    private final List<TableSchema> tables;

    PgSinks(MigrationSpec spec, List<TableSchema> tables) {
        this.spec = spec;
        this.tables = tables;
    }

    @Override
    public ChangeSink open(String targetName) {
        return PgTargetSink.open(spec.target(targetName), tables, spec.applyOrDefaults().batchSizeOrDefault(),
                spec.applyOrDefaults().maxRetriesOrDefault());
    }
}
