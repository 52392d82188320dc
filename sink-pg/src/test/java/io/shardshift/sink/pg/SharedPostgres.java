package io.shardshift.sink.pg;

import io.shardshift.devstack.DevPostgres;

/**
 * One PostgreSQL server shared by this module's integration tests (each test works in a database of its
 * own, see {@link TargetDb#fresh}); started on first use, stopped when the test JVM exits.
 */
final class SharedPostgres {
    private static DevPostgres pg;

    private SharedPostgres() {
    }

    static synchronized DevPostgres get() {
        if (pg == null) {
            pg = DevPostgres.start();
            DevPostgres started = pg;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-postgres-stop"));
        }
        return pg;
    }
}
