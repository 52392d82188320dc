package io.shardshift.engine.run;

import io.shardshift.cdc.SourceIdentity;
import io.shardshift.core.spec.MigrationSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches, while the migration runs, that the source address still answers with the cluster and timeline it started
 * on. A promoted standby behind the same address (a VIP or DNS failover) has a new timeline and none of the old slot's
 * history; capture would reconnect to it as if nothing happened. The watch fails the migration at once with a
 * {@link SourceFailoverDetected}, so the migrator stops and its next start resumes on the new primary
 * ({@link SourceFailoverCheck}). A source that does not answer is left to capture's own error handling.
 */
final class SourceIdentityWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceIdentityWatch.class);

    /** The migration stopped because the source failed over while it ran. */
    static final class SourceFailoverDetected extends IllegalStateException {
        SourceFailoverDetected(String message) {
            super(message);
        }
    }

    private final MigrationSpec spec;
    private final SourceIdentity startedOn;
    private final Consumer<Throwable> onFailover;
    private final ScheduledExecutorService timer;

    SourceIdentityWatch(MigrationSpec spec, SourceIdentity startedOn, Consumer<Throwable> onFailover) {
        this.spec = spec;
        this.startedOn = startedOn;
        this.onFailover = onFailover;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardshift-source-watch-" + spec.name());
            t.setDaemon(true);
            return t;
        });
    }

    void start(Duration every) {
        timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        SourceIdentity now;
        try {
            now = SourceIdentity.read(spec);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("source identity of migration {} not readable now: {}", spec.name(), e.getMessage());
            return;
        }
        if (now.systemIdentifier() != startedOn.systemIdentifier() || now.timeline() != startedOn.timeline()) {
            String message = "source failover: the source address now answers with " + now + " (this run started on "
                    + startedOn + "); the migration stops so that its next start resumes on the new primary (a new"
                    + " slot and a convergence of the targets): start shardshift migrate again";
            LOG.error("migration {}: {}", spec.name(), message);
            onFailover.accept(new SourceFailoverDetected(message));
            timer.shutdown();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
