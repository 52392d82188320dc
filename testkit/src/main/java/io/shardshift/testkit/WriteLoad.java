package io.shardshift.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live write load on the demo {@code orders} table: inserts, updates (some of which move a row to
 * another tenant) and deletes from several writer threads at a target rate, each in its own autocommit
 * transaction. Counts what was acknowledged.
 */
public final class WriteLoad implements AutoCloseable {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final PacedWriters writers;
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong tenantMoves = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();

    /**
     * @param opsPerSecond the total rate over all writers
     */
    public WriteLoad(String jdbcUrl, String user, String password, int writers, double opsPerSecond) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.writers = new PacedWriters("demo", writers, opsPerSecond, PacedWriters.Pacing.CATCH_UP, i -> new Session());
    }

    /** Starts the writers. */
    public WriteLoad start() {
        writers.start();
        return this;
    }

    /** One writer's connection and statements. */
    private final class Session implements PacedWriters.Writer {
        private final Connection c;
        private final PreparedStatement maxId;
        private final PreparedStatement insert;
        private final PreparedStatement update;
        private final PreparedStatement move;
        private final PreparedStatement delete;

        Session() throws SQLException {
            c = DriverManager.getConnection(jdbcUrl, user, password);
            maxId = c.prepareStatement("SELECT max(id) FROM public.orders");
            insert = c.prepareStatement("INSERT INTO public.orders (tenant_id, customer, status, amount, note) "
                    + "VALUES (?, ?, 'new', ?, ?)");
            update = c.prepareStatement("UPDATE public.orders SET status = ?, amount = amount + 1, note = ? WHERE id = ?");
            move = c.prepareStatement("UPDATE public.orders SET tenant_id = ? WHERE id = ?");
            delete = c.prepareStatement("DELETE FROM public.orders WHERE id = ?");
        }

        @Override
        public void write(long n) throws SQLException {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            int dice = rnd.nextInt(100);
            if (dice < 45) {
                insert.setString(1, rnd.nextBoolean() ? DemoSource.HOT_TENANT
                        : DemoSource.TENANTS.get(1 + rnd.nextInt(DemoSource.TENANTS.size() - 1)));
                insert.setString(2, "customer-" + rnd.nextInt(5000));
                insert.setBigDecimal(3, BigDecimal.valueOf(rnd.nextInt(100_000), 2));
                insert.setString(4, rnd.nextInt(10) == 0 ? null : "live " + System.nanoTime());
                insert.executeUpdate();
                inserts.incrementAndGet();
                return;
            }
            long id = 1 + rnd.nextLong(Math.max(1, currentMax()));
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

        private long currentMax() throws SQLException {
            try (ResultSet rs = maxId.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 1;
            }
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    /** Stops the writers and waits for them; throws if a writer failed. */
    public void stop() {
        writers.stop();
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
        writers.close();
    }
}
