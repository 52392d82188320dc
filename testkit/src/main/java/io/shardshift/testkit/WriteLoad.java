package io.shardshift.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A live write load on the demo {@code orders} table: inserts, updates (some of which move a row to
 * another tenant) and deletes from several writer threads at a target rate, each in its own autocommit
 * transaction. Counts what was acknowledged.
 */
public final class WriteLoad implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteLoad.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int writers;
    private final double opsPerSecond;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong tenantMoves = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param opsPerSecond the total rate over all writers
     */
    public WriteLoad(String jdbcUrl, String user, String password, int writers, double opsPerSecond) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.writers = writers;
        this.opsPerSecond = opsPerSecond;
    }

    /** Starts the writers. */
    public WriteLoad start() {
        running.set(true);
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(this::run, "demo-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    private void run() {
        long intervalNanos = (long) (1e9 * writers / opsPerSecond);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement maxId = c.prepareStatement("SELECT max(id) FROM public.orders");
             PreparedStatement insert = c.prepareStatement("INSERT INTO public.orders (tenant_id, customer, status, amount, note) "
                     + "VALUES (?, ?, 'new', ?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE public.orders SET status = ?, amount = amount + 1, "
                     + "note = ? WHERE id = ?");
             PreparedStatement move = c.prepareStatement("UPDATE public.orders SET tenant_id = ? WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM public.orders WHERE id = ?")) {
            long next = System.nanoTime();
            while (running.get()) {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                int dice = rnd.nextInt(100);
                if (dice < 45) {
                    insert.setString(1, rnd.nextBoolean() ? DemoSource.HOT_TENANT
                            : DemoSource.TENANTS.get(1 + rnd.nextInt(DemoSource.TENANTS.size() - 1)));
                    insert.setString(2, "customer-" + rnd.nextInt(5000));
                    insert.setBigDecimal(3, java.math.BigDecimal.valueOf(rnd.nextInt(100_000), 2));
                    insert.setString(4, rnd.nextInt(10) == 0 ? null : "live " + System.nanoTime());
                    insert.executeUpdate();
                    inserts.incrementAndGet();
                } else {
                    long id = 1 + rnd.nextLong(Math.max(1, currentMax(maxId)));
                    if (dice < 80) {
                        update.setString(1, rnd.nextBoolean() ? "paid" : "shipped");
                        update.setString(2, "updated " + System.nanoTime());
                        update.setLong(3, id);
                        updates.addAndGet(update.executeUpdate());
                    } else if (dice < 85) {
                        move.setString(1, DemoSource.TENANTS.get(rnd.nextInt(DemoSource.TENANTS.size())));
                        move.setLong(2, id);
                        tenantMoves.addAndGet(move.executeUpdate());
                    } else {
                        delete.setLong(1, id);
                        deletes.addAndGet(delete.executeUpdate());
                    }
                }
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (SQLException e) {
            if (running.get()) {
                LOG.error("demo writer failed", e);
                failure.compareAndSet(null, e);
            }
        }
    }

    private static long currentMax(PreparedStatement maxId) throws SQLException {
        try (ResultSet rs = maxId.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 1;
        }
    }

    /** Stops the writers and waits for them; throws if a writer failed. */
    public void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a demo writer failed: " + failure.get().getMessage(), failure.get());
        }
    }

    /** Acknowledged writes so far. */
    public long total() {
        return inserts.get() + updates.get() + tenantMoves.get() + deletes.get();
    }

    /** A one-line summary of the acknowledged writes. */
    public String summary() {
        return inserts.get() + " inserts, " + updates.get() + " updates, " + tenantMoves.get()
                + " tenant moves, " + deletes.get() + " deletes";
    }

    @Override
    public void close() {
        if (running.get()) {
            stop();
        }
    }
}
