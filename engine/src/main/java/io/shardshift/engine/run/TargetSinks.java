package io.shardshift.engine.run;

import io.shardshift.engine.topology.TablePauses;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.SinkFactory;
import io.shardshift.sink.pg.PgTargetSink;
import io.shardshift.sink.solr.SolrTargetSink;

import java.util.List;

/** Opens the sink of a target named in the spec: a PostgreSQL target or a search target. */
final class TargetSinks implements SinkFactory {
    private final MigrationSpec spec;
    private final TablePauses tables;
    private final SearchTargets search;

    /** @param tables the tables' schemas on the targets now (they change when a paused table is resumed) */
    TargetSinks(MigrationSpec spec, TablePauses tables, SearchTargets search) {
        this.spec = spec;
        this.tables = tables;
        this.search = search;
    }

    @Override
    public ChangeSink open(String targetName) {
        if (search.contains(targetName)) {
            return SolrTargetSink.openForApply(search.config(targetName), search.schema(targetName));
        }
        return PgTargetSink.open(spec.target(targetName), tables.schemas(), spec.applyOrDefaults().batchSizeOrDefault(),
                spec.applyOrDefaults().maxRetriesOrDefault());
    }
}
