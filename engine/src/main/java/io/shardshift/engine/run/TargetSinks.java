package io.shardshift.engine.run;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.SinkFactory;
import io.shardshift.sink.pg.PgTargetSink;
import io.shardshift.sink.solr.SolrTargetSink;

import java.util.List;

/** Opens the sink of a target named in the spec: a PostgreSQL target or a search target. */
final class TargetSinks implements SinkFactory {
    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final SearchTargets search;

    TargetSinks(MigrationSpec spec, List<TableSchema> tables, SearchTargets search) {
        this.spec = spec;
        this.tables = tables;
        this.search = search;
    }

    @Override
    public ChangeSink open(String targetName) {
        if (search.contains(targetName)) {
            return SolrTargetSink.open(search.config(targetName), search.schema(targetName));
        }
        return PgTargetSink.open(spec.target(targetName), tables, spec.applyOrDefaults().batchSizeOrDefault(),
                spec.applyOrDefaults().maxRetriesOrDefault());
    }
}
