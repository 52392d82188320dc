package io.shardshift.migrator.http;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.run.MigrationRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * A real migration served over HTTP for the dashboard ITs: a source PostgreSQL with the demo orders table,
 * two target PostgreSQL, Kafka, live writes (2 writers, 200 writes/s) and the {@link DashboardServer}.
 */
final class DashboardFixture implements AutoCloseable {
    private final DemoStack stack;
    private final MigrationSpec spec;
    private final Path stateDir;
    private WriteLoad load;
    private MigrationRunner runner;
    private DashboardServer server;

    private DashboardFixture(DemoStack stack, MigrationSpec spec, Path stateDir) {
        this.stack = stack;
        this.spec = spec;
        this.stateDir = stateDir;
    }

    /** Starts it all: migration {@code name} of {@code rows} rows, the server taking {@code token}. */
    static DashboardFixture start(String name, int rows, String token) throws Exception {
        DemoStack stack = DemoStack.start();
        DashboardFixture f;
        try {
            f = new DashboardFixture(stack, stack.spec(name, 500), Files.createTempDirectory("dashboard-it-" + name));
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
        try {
            try (Connection c = f.stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(c, rows);
            }
            f.load = new WriteLoad(f.stack.source().jdbcUrl(DemoStack.DATABASE), f.stack.source().user(),
                    f.stack.source().password(), 2, 200).start();
            f.runner = MigrationRunner.start(f.spec, f.stateDir.resolve("state"));
            f.server = DashboardServer.start(f.runner, ServeOptions.of(0, token));
            return f;
        } catch (Exception | AssertionError e) {
            f.close();
            throw e;
        }
    }

    DemoStack stack() {
        return stack;
    }

    MigrationSpec spec() {
        return spec;
    }

    /** A directory of this run's own, e.g. for an audit file. */
    Path dir() {
        return stateDir;
    }

    MigrationRunner runner() {
        return runner;
    }

    DashboardServer server() {
        return server;
    }

    /** Stops the live writes (e.g. before a cutover, after which the source rejects them). */
    void stopLoad() {
        if (load != null) {
            load.stop();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        stopLoad();
        if (runner != null) {
            runner.close();
        }
        stack.close();
    }
}
