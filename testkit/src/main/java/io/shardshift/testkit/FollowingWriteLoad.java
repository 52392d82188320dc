package io.shardshift.testkit;

import io.shardshift.client.ConfigFollower;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.client.ConfigKeys;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Writers that behave as an application following the config topic should: before each write they wait
 * while writes are frozen, then write to the target the live layout names for the row's tenant (the source
 * database while its layout is live). Inserts rows with ids of their own ({@code idBase + writer * 10^8 +
 * n}) into the demo {@code orders} table and updates rows they inserted. A write rejected because its table
 * moved (SQLSTATE 55000) is retried on the new layout. Every acknowledged write is recorded, so a test can
 * check that each is in the new layout exactly once. Each writer opens its connections to the source and every
 * target up front, as an application's warm pools would be, so no write pays a connection set-up.
 */
public final class FollowingWriteLoad implements AutoCloseable {
    private static final String UNIQUE_VIOLATION = "23505";

    /** The last acknowledged state of a row written by this load. */
    public record Acked(String tenant, String note, String writtenTo) {
    }

    private final MigrationSpec spec;
    private final ConfigFollower config;
    private final long idBase;
    private final PacedWriters writers;
    private final Map<Long, Acked> acked = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ackedPerTarget = new ConcurrentHashMap<>();
    private final AtomicLong maxWriteNanos = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLongArray inFlightSince;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile Duration patience = Duration.ofSeconds(30);
    private volatile boolean resilient;

    /**
     * @param config       a follower of the migration's config topic
     * @param opsPerSecond the total rate over all writers
     * @param idBase       the first id of this load's rows (keep loads apart, e.g. 10^12, 2*10^12)
     */
    public FollowingWriteLoad(MigrationSpec spec, ConfigFollower config, int writers, double opsPerSecond, long idBase) {
        this.spec = spec;
        this.config = config;
        this.idBase = idBase;
        this.inFlightSince = new AtomicLongArray(writers);
        this.writers = new PacedWriters("following", writers, opsPerSecond, PacedWriters.Pacing.SKIP_MISSED, Session::new);
    }

    /**
     * Makes the writers ride out a database that goes away (the fault-injection suite): a write that fails on a
     * lost connection (SQLSTATE class 08, an admin shutdown 57P01..57P03, or an I/O error) is retried on a new
     * connection with the same id and value until it is acknowledged, for up to {@code patience}; an insert
     * retried after an attempt whose outcome was unknown counts as acknowledged when the row turns out to be there
     * already (its id is this writer's own). Writes also wait up to {@code patience} while frozen. Call before
     * {@link #start()}.
     */
    public FollowingWriteLoad resilient(Duration patience) {
        this.patience = patience;
        this.resilient = true;
        return this;
    }

    public FollowingWriteLoad start() {
        writers.start();
        return this;
    }

    /** One writer: its rows and its connections to the source and every target. */
    private final class Session implements PacedWriters.Writer {
        private final int writer;
        private final List<Long> mine = new ArrayList<>();
        private final Map<String, Connection> connections = new HashMap<>();
        private long nextId;

        Session(int writer) {
            this.writer = writer;
            this.nextId = idBase + writer * 100_000_000L;
            connections.put(ConfigKeys.SOURCE_TARGET, connect(ConfigKeys.SOURCE_TARGET));
            spec.targets().forEach(t -> connections.put(t.name(), connect(t.name())));
        }

        @Override
        public void write(long n) throws Exception {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long started = System.nanoTime();
            inFlightSince.set(writer, started);
            if (mine.isEmpty() || rnd.nextInt(10) < 6) {
                String tenant = DemoSource.TENANTS.get(rnd.nextInt(DemoSource.TENANTS.size()));
                long id = nextId++;
                String note = "w" + writer + " v0";
                acked.put(id, new Acked(tenant, note, FollowingWriteLoad.this.write(connections, tenant, id, note, true)));
                mine.add(id);
            } else {
                long id = mine.get(rnd.nextInt(mine.size()));
                Acked before = acked.get(id);
                String note = "w" + writer + " v" + (Integer.parseInt(before.note().substring(before.note().indexOf('v') + 1)) + 1);
                acked.put(id, new Acked(before.tenant(), note, FollowingWriteLoad.this.write(connections, before.tenant(), id, note, false)));
            }
            maxWriteNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
            inFlightSince.set(writer, 0);
        }

        @Override
        public void close() {
            connections.values().forEach(c -> {
                try {
                    c.close();
                } catch (SQLException e) {
                    // closing
                }
            });
        }
    }

    /** Writes once the config topic allows it, to the live layout's target; returns that target. */
    private String write(Map<String, Connection> connections, String tenant, long id, String note, boolean insert)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean inDoubt = false;
        while (true) {
            if (!config.awaitWritesAllowed(patience)) {
                throw new IllegalStateException("writes stayed frozen for " + patience.toSeconds() + " s");
            }
            String target = config.targetFor(tenant);
            try {
                Connection c = connections.get(target);
                if (c == null) {
                    c = connect(target);
                    connections.put(target, c);
                }
                if (insert) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.orders "
                            + "(id, tenant_id, customer, status, amount, created_at, note) VALUES (?, ?, 'following', 'new', ?, now(), ?)")) {
                        ps.setLong(1, id);
                        ps.setString(2, tenant);
                        ps.setBigDecimal(3, BigDecimal.ONE);
                        ps.setString(4, note);
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        if (!(inDoubt && UNIQUE_VIOLATION.equals(e.getSQLState()))) {
                            throw e;
                        }
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE public.orders SET note = ?, amount = amount + 1 WHERE id = ?")) {
                        ps.setString(1, note);
                        ps.setLong(2, id);
                        if (ps.executeUpdate() != 1) {
                            throw new IllegalStateException("row " + id + " (tenant " + tenant + ") is missing from "
                                    + target + ": an acknowledged write was lost");
                        }
                    }
                }
                ackedPerTarget.computeIfAbsent(target, k -> new AtomicLong()).incrementAndGet();
                return target;
            } catch (SQLException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (e instanceof SQLException se && ConfigKeys.MOVED_SQLSTATE.equals(se.getSQLState())) {
                    retries.incrementAndGet();
                    LockSupport.parkNanos(2_000_000);
                } else if (resilient && connectionLost(e)) {
                    inDoubt = true;
                    reconnects.incrementAndGet();
                    closeQuietly(connections.remove(target));
                    LockSupport.parkNanos(200_000_000);
                } else {
                    throw e;
                }
            }
        }
    }

    /** True for a failure that says the connection went away (the write's outcome is then unknown). */
    private static boolean connectionLost(Exception e) {
        if (e instanceof IllegalStateException) {
            return e.getMessage() != null && e.getMessage().startsWith("cannot connect to ");
        }
        String state = ((SQLException) e).getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already gone
            }
        }
    }

    private Connection connect(String target) {
        try {
            if (ConfigKeys.SOURCE_TARGET.equals(target)) {
                return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
            }
            TargetSpec t = spec.target(target);
            return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Stops the writers, waits for them, and throws the first writer failure. */
    public void stop() {
        writers.stop();
    }

    /** Throws the first writer failure, if a writer has failed (writers stop at the first failure). */
    public void throwIfFailed() {
        writers.throwIfFailed();
    }

    /** True while no writer has failed; throws the first failure otherwise (handy in await conditions). */
    public boolean ok() {
        throwIfFailed();
        return true;
    }

    /** Every acknowledged row: id to its last acknowledged state. */
    public Map<Long, Acked> acked() {
        return Map.copyOf(acked);
    }

    /** Acknowledged writes on a target ({@code source}, {@code pg_a}...). */
    public long ackedOn(String target) {
        AtomicLong n = ackedPerTarget.get(target);
        return n == null ? 0 : n.get();
    }

    /** The longest single write (including waits for a freeze) since the last reset, in ms. */
    public long maxWriteMillisAndReset() {
        return maxWriteNanos.getAndSet(0) / 1_000_000;
    }

    /**
     * Waits until no writer is still in a write that started before {@code nanoTime} ({@link System#nanoTime}),
     * so {@link #maxWriteMillisAndReset()} then covers every write that a pause held up.
     *
     * @return false if some write was still running after {@code timeout}
     */
    public boolean awaitWritesStartedBefore(long nanoTime, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            throwIfFailed();
            boolean settled = true;
            for (int i = 0; i < inFlightSince.length(); i++) {
                long since = inFlightSince.get(i);
                if (since != 0 && since - nanoTime < 0) {
                    settled = false;
                    break;
                }
            }
            if (settled) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    /** Writes retried on a new connection because the database went away ({@link #resilient}). */
    public long reconnects() {
        return reconnects.get();
    }

    /** Writes retried because the old table rejected them after a flip. */
    public long retries() {
        return retries.get();
    }

    @Override
    public void close() {
        writers.close();
    }
}
