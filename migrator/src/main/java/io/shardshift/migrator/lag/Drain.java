package io.shardshift.migrator.lag;

import io.shardshift.core.event.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Waits until every change committed on the source before the call is applied to every target:
 * writes a marker into the WAL, waits until capture has handled it (so every earlier commit is on the
 * change topics), then until the apply group's Kafka lag is zero (the topology commits offsets only after
 * the targets have the events). Used once writes stop (demo, tests) and, under a write freeze, by cutover.
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
        long deadline = System.nanoTime() + timeout.toNanos();
        long marker = monitor.emitMarker("drain");
        LOG.info("drain: waiting for capture to pass marker {}", Lsn.format(marker));
        while (monitor.capture().lastProcessedLsn() < marker) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("capture has handled up to " + Lsn.format(monitor.capture().lastProcessedLsn())
                        + ", not yet the drain marker at " + Lsn.format(marker) + " after " + timeout);
            }
            monitor.capture().failure().ifPresent(e -> {
                throw new IllegalStateException("capture failed: " + e.getMessage(), e);
            });
            Thread.sleep(50);
        }
        while (true) {
            LagSnapshot lag = monitor.snapshot();
            if (lag.kafkaLagTotal() == 0) {
                return lag;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("apply is still " + lag.kafkaLagTotal() + " events behind after " + timeout
                        + ": " + lag.kafkaLag());
            }
            Thread.sleep(100);
        }
    }
}
