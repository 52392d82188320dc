package io.shardshift.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The set-up the integration tests of a migration share: a {@link DemoStack} (with or without SolrCloud)
 * whose source holds the demo table ({@link DemoSource}), write loads on that source, and whatever the test
 * starts on top (a migration runner, a Solr client) handed to {@link #closing}. {@link #close()} stops the
 * write loads first, then closes those resources newest first, then the stack; it closes everything even
 * when one of them fails, and then throws the first failure.
 *
 * <pre>{@code
 * fixture = DemoFixture.start(false, 30_000);
 * WriteLoad load = fixture.startLoad(2, 150);
 * MigrationRunner runner = fixture.closing(MigrationRunner.start(fixture.stack().spec("it", 500), state));
 * }</pre>
 */
public final class DemoFixture implements AutoCloseable {
    private final DemoStack stack;
    private final Deque<WriteLoad> loads = new ArrayDeque<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private DemoFixture(DemoStack stack) {
        this.stack = stack;
    }

    /** A fixture around a started stack whose source the caller fills; {@link #close()} closes the stack too. */
    public static DemoFixture around(DemoStack stack) {
        return new DemoFixture(stack);
    }

    /** Starts the stack (with a two-node SolrCloud when {@code withSolr}) and creates the demo table of {@code rows} rows. */
    public static DemoFixture start(boolean withSolr, int rows) throws SQLException {
        DemoStack stack = DemoStack.start(withSolr);
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, rows);
        } catch (SQLException | RuntimeException e) {
            stack.close();
            throw e;
        }
        return new DemoFixture(stack);
    }

    public DemoStack stack() {
        return stack;
    }

    /** A new connection to the source's demo database. */
    public Connection source() throws SQLException {
        return stack.source().connect(DemoStack.DATABASE);
    }

    /** A started {@link WriteLoad} of {@code writers} writers on the source; {@link #close()} stops it if the test did not. */
    public WriteLoad startLoad(int writers, double opsPerSecond) {
        WriteLoad load = new WriteLoad(stack.source().jdbcUrl(DemoStack.DATABASE), stack.source().user(),
                stack.source().password(), writers, opsPerSecond).start();
        loads.push(load);
        return load;
    }

    /** Hands {@code resource} to the fixture, which closes it before the stack; returns it. */
    public <T extends AutoCloseable> T closing(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        Deque<AutoCloseable> all = new ArrayDeque<>(loads);
        all.addAll(resources);
        all.add(stack);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the demo fixture: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
