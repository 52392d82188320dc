package io.shardshift.rebalance;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.engine.run.MigrationRunner;

import java.nio.file.Path;

/**
 * What the registry asks of the live systems: check a column, find a free collection version, and start
 * the migration of a derived spec. {@link LiveLauncher} is the real one.
 */
public interface RebalanceLauncher {

    /**
     * Checks that a source table has the column.
     *
     * @param field the request field to name when it is refused
     * @throws RebalanceException.InvalidRequest naming {@code field} when it has not; Unavailable when the
     *                                                  source cannot be asked
     */
    void checkColumn(MigrationSpec base, TableId table, String column, String field);

    /** The lowest version at least {@code atLeast} whose collection {@code <collection>_v<version>} does not exist yet. */
    int freeVersion(SearchTargetSpec entry, int atLeast);

    /**
     * Starts the migration of a derived spec and attaches its cutover.
     *
     * @param stateDir           the rebalance's own directory (Kafka Streams state, audit file)
     * @param previousGeneration the generation live before it (for search: the collection version served now)
     */
    Launched launch(MigrationSpec spec, Path stateDir, long previousGeneration) throws Exception;

    /**
     * A started rebalance.
     *
     * @param runner     its migration
     * @param switchover its cutover; closed before the runner
     */
    record Launched(MigrationRunner runner, Switchover switchover) {
    }
}
