package io.shardshift.migrator.e2e;

import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo stack of a test class, started before its first test and closed after its last, with everything the
 * tests hand to {@link DemoFixture#closing}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DemoExtension demo = new DemoExtension(false, 20_000);
 * ... demo.stack().spec("it", 500) ... demo.fixture().startLoad(2, 200) ...
 * }</pre>
 */
final class DemoExtension implements BeforeAllCallback, AfterAllCallback {
    /** Fills the source of a stack started without the demo table. */
    @FunctionalInterface
    interface SourceSetup {
        void fill(DemoStack stack) throws Exception;
    }

    private final boolean withSolr;
    private final int rows;
    private final SourceSetup setup;
    private DemoFixture fixture;

    /**
     * @param withSolr with a two-node SolrCloud
     * @param rows     rows of the demo table on the source
     */
    DemoExtension(boolean withSolr, int rows) {
        this.withSolr = withSolr;
        this.rows = rows;
        this.setup = null;
    }

    /** A stack (no SolrCloud) without the demo table, whose source {@code setup} fills. */
    DemoExtension(SourceSetup setup) {
        this.withSolr = false;
        this.rows = 0;
        this.setup = setup;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (setup == null) {
            fixture = DemoFixture.start(withSolr, rows);
            return;
        }
        fixture = DemoFixture.around(DemoStack.start(withSolr));
        setup.fill(fixture.stack());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    DemoFixture fixture() {
        return fixture;
    }

    DemoStack stack() {
        return fixture.stack();
    }
}
