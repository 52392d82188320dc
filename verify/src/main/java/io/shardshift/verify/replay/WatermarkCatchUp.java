package io.shardshift.verify.replay;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.lag.AppliedWatermark;

import java.time.Duration;

/**
 * The replay's lag tolerance from a migration's spec: verify's watermark, from another process (the slot's
 * confirmed position and the apply groups' committed offsets). Each wait takes the source's WAL position now and
 * waits until every change committed before it is applied to the targets.
 */
public final class WatermarkCatchUp implements SolrLogReplay.CatchUp, AutoCloseable {
    private final AppliedWatermark watermark;
    private final Duration timeout;

    public WatermarkCatchUp(MigrationSpec spec, Duration timeout) {
        this.watermark = AppliedWatermark.standalone(spec);
        this.timeout = timeout;
    }

    @Override
    public String await() throws Exception {
        long lsn = watermark.sourceWalLsn();
        watermark.awaitApplied(lsn, timeout);
        return Lsn.format(lsn);
    }

    @Override
    public void close() {
        watermark.close();
    }
}
