package io.shardshift.engine.lag;

import io.shardshift.core.event.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Waits until every change committed on the source before the call is applied to every target (see
 * {@link AppliedWatermark}). Used once writes stop (demo, tests) and, under a write freeze, by cutover.
 */
public final class Drain {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    private Drain() {
    }

    /**
     * @return the lag once drained
     * @throws TimeoutException naming what was still behind
     */
    public static LagSnapshot await(LagMonitor monitor, Duration timeout)
            throws SQLException, InterruptedException, TimeoutException {
        monitor.captureFailure().ifPresent(e -> {
            throw new IllegalStateException("capture failed: " + e.getMessage(), e);
        });
        long wal = monitor.watermark().sourceWalLsn();
        LOG.info("drain: waiting until every change before {} is applied", Lsn.format(wal));
        monitor.watermark().awaitApplied(wal, timeout);
        return monitor.snapshot();
    }
}
