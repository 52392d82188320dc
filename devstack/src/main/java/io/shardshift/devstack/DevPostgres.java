package io.shardshift.devstack;

import io.shardshift.core.sql.SqlIdentifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 server on a free loopback port, for integration tests and the quickstart.
 *
 * <p>The server runs the zonky embedded binaries with the settings logical decoding needs
 * ({@code wal_level=logical}, 20 WAL senders and replication slots, {@code synchronous_commit=on},
 * 200 connections, {@code fsync} off). The superuser {@value #USER} logs in over TCP with password
 * {@value #PASSWORD} (scram-sha-256); the server log goes to {@link #logFile()}.
 *
 * <pre>{@code
 * try (DevPostgres pg = DevPostgres.start()) {
 *     pg.createDatabase("source");
 *     try (Connection c = pg.connect("source")) { ... }
 * }
 * }</pre>
 */
public final class DevPostgres implements AutoCloseable {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_]{1,63}");
    private static final Logger LOG = LoggerFactory.getLogger(DevPostgres.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final int START_ATTEMPTS = 3;

    private final Path workDir;
    private final Path dataDir;
    private final Path logFile;
    private final boolean deleteDataDir;
    private final String walLevel;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EmbeddedPostgres server;

    private DevPostgres(EmbeddedPostgres server, Path workDir, Path dataDir, Path logFile,
                        boolean deleteDataDir, String walLevel) {
        this.server = server;
        this.port = server.getPort();
        this.walLevel = walLevel;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.deleteDataDir = deleteDataDir;
    }

    /** Starts a server with {@code wal_level=logical} in a temporary data directory deleted on close. */
    public static DevPostgres start() {
        return launch(null, "logical");
    }

    /**
     * Starts a server with {@code wal_level=logical} on the given data directory, creating the cluster
     * there if the directory holds none yet. The directory is kept on close, so a later start resumes
     * the same data; its server log is written beside it, in {@code <dataDir>.log}.
     */
    public static DevPostgres start(Path dataDir) {
        return launch(Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath(), "logical");
    }

    /**
     * Starts a server with {@code wal_level=replica} (temporary data directory), to check how a tool
     * reports a source that cannot do logical decoding.
     */
    public static DevPostgres startWithoutLogicalWal() {
        return launch(null, "replica");
    }

    private static DevPostgres launch(Path persistentDataDir, String walLevel) {
        Path workDir = TempDirs.create("shardshift-pg-");
        try {
            Path dataDir = persistentDataDir != null ? persistentDataDir : workDir.resolve("data");
            Path logFile = persistentDataDir != null
                    ? persistentDataDir.resolveSibling(persistentDataDir.getFileName() + ".log")
                    : workDir.resolve("postgres.log");
            Files.createDirectories(dataDir);
            Path passwordFile = Files.writeString(workDir.resolve("pwfile"), PASSWORD + "\n");
            EmbeddedPostgres server = startWithRetries(dataDir, logFile, passwordFile, walLevel);
            Files.deleteIfExists(passwordFile);
            DevPostgres pg = new DevPostgres(server, workDir, dataDir, logFile, persistentDataDir == null, walLevel);
            LOG.info("PostgreSQL started on 127.0.0.1:{} (wal_level={}, data {})", pg.port(), walLevel, dataDir);
            return pg;
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteQuietly(workDir);
            throw new IllegalStateException("Could not start PostgreSQL (wal_level=" + walLevel + ")", e);
        }
    }

    private static EmbeddedPostgres startWithRetries(Path dataDir, Path logFile, Path passwordFile,
                                                     String walLevel) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreePorts.find();
            try {
                return builder(dataDir, logFile, passwordFile, walLevel, port).start();
            } catch (IOException e) {
                LOG.warn("PostgreSQL did not start on port {} (attempt {} of {}); see {}",
                        port, attempt, START_ATTEMPTS, logFile);
                last = e;
            }
        }
        throw last;
    }

    private static EmbeddedPostgres.Builder builder(Path dataDir, Path logFile, Path passwordFile,
                                                    String walLevel, int port) {
        Redirect log = Redirect.appendTo(logFile.toFile());
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                // Passed to initdb as --name=value: a real password and scram-sha-256 for TCP logins.
                .setLocaleConfig("pwfile", passwordFile.toString())
                .setLocaleConfig("auth-host", "scram-sha-256")
                .setConnectConfig("password", PASSWORD)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", walLevel)
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
    }

    /**
     * Starts a streaming physical standby of this (running) server, as a DR replica: {@code pg_basebackup -R}
     * (the client binaries of this machine's PostgreSQL 15, see {@link PgClientBinaries}) into a new temporary
     * data directory deleted on close, then the server on its own free port with {@code hot_standby} (read-only
     * queries answer) and {@code primary_conninfo} pointing here. Returns once it accepts connections.
     *
     * <pre>{@code
     * try (DevPostgres standby = primary.startStandby()) {
     *     standby.awaitReplayed(primary.currentWalLsn(), Duration.ofSeconds(30));
     *     primary.kill();
     *     standby.promote();
     * }
     * }</pre>
     */
    public DevPostgres startStandby() {
        Path standbyDir = TempDirs.create("shardshift-pg-standby-");
        try {
            Path data = standbyDir.resolve("data");
            Path log = standbyDir.resolve("postgres.log");
            PgClientBinaries.run(List.of(PgClientBinaries.path("pg_basebackup").toString(),
                    "-d", "host=127.0.0.1 port=" + port + " user=" + USER + " password=" + PASSWORD,
                    "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"), log, Duration.ofMinutes(2));
            Files.deleteIfExists(data.resolve("epg-lock"));
            Path passwordFile = Files.writeString(standbyDir.resolve("pwfile"), PASSWORD + "\n");
            EmbeddedPostgres standby = startWithRetries(data, log, passwordFile, walLevel);
            Files.deleteIfExists(passwordFile);
            DevPostgres pg = new DevPostgres(standby, standbyDir, data, log, true, walLevel);
            LOG.info("PostgreSQL standby of 127.0.0.1:{} started on 127.0.0.1:{} (data {})", port, pg.port(), data);
            return pg;
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteQuietly(standbyDir);
            throw new IllegalStateException("Could not start a standby of PostgreSQL on port " + port, e);
        }
    }

    /**
     * Promotes this standby to a primary ({@code pg_promote}, waiting up to 60 s): it leaves recovery on a new
     * timeline and accepts writes; replication slots of the old primary do not exist here (PostgreSQL 15).
     */
    public void promote() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_promote(true, 60)")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw new IllegalStateException("standby on port " + port + " did not promote within 60 s; see " + logFile);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not promote the standby on port " + port + ": " + e.getMessage(), e);
        }
        LOG.info("PostgreSQL on port {} promoted to primary", port);
    }

    /**
     * Cuts this standby off its primary ({@code primary_conninfo} emptied and reloaded) and waits until its WAL
     * receiver is gone: from then on, commits on the primary never reach it, as with a standby that had fallen
     * behind when its primary failed.
     */
    public void detachFromPrimary(Duration timeout) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET primary_conninfo = ''");
            s.execute("SELECT pg_reload_conf()");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_wal_receiver")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the WAL receiver of standby " + port + " still runs after " + timeout);
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not detach the standby on port " + port + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while detaching the standby on port " + port, e);
        }
        LOG.info("standby on port {} detached from its primary", port);
    }

    /** {@code pg_current_wal_lsn()} of a primary, as a number. */
    public long currentWalLsn() {
        return lsnQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    /** Waits until this standby has replayed the WAL up to {@code lsn} (e.g. the primary's {@link #currentWalLsn()}). */
    public void awaitReplayed(long lsn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lsnQuery("SELECT coalesce(pg_last_wal_replay_lsn() - '0/0'::pg_lsn, 0)") < lsn) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("standby on port " + port + " did not replay up to " + lsn + " within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for standby " + port, e);
            }
        }
    }

    private long lsnQuery(String sql) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1).longValueExact();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read a WAL position on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills the server as a crash would (immediate shutdown: no checkpoint, every connection breaks at once); the
     * data directory stays. {@link #restart()} would run crash recovery.
     */
    public synchronized void kill() {
        if (server == null) {
            return;
        }
        immediateShutdown();
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("after the immediate stop of {}: {}", port, e.toString());
        }
        server = null;
        LOG.info("PostgreSQL on port {} killed (immediate shutdown)", port);
    }

    /** SIGQUIT to the postmaster (what {@code pg_ctl stop -m immediate} sends; pg_ctl refuses to run as root). */
    private void immediateShutdown() {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
                    () -> new IllegalStateException("postmaster " + pid + " of port " + port + " is not running"));
            PgClientBinaries.run(List.of("kill", "-QUIT", Long.toString(pid)), logFile, Duration.ofSeconds(10));
            postmaster.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the postmaster.pid of port " + port, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("PostgreSQL on port " + port + " did not stop within 60 s of SIGQUIT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing PostgreSQL on port " + port, e);
        }
    }

    /** The TCP port the server listens on, on 127.0.0.1; it stays the same across {@link #stop()} and {@link #restart()}. */
    public int port() {
        return port;
    }

    /**
     * Stops the server (fast shutdown: open sessions end with SQLSTATE 57P01) and keeps its data directory
     * and port, as a database host taken down for maintenance would; {@link #restart()} brings it back.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop PostgreSQL on port " + port, e);
        }
        server = null;
        LOG.info("PostgreSQL on port {} stopped; data kept in {}", port, dataDir);
    }

    /**
     * Starts a {@linkplain #stop() stopped} server again on the same data directory and port; a running server is
     * first stopped (fast shutdown: every open connection breaks), as a crash or an operator's restart would. Returns
     * once the server accepts connections.
     */
    public synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is closed, not stopped");
        }
        stop();
        try {
            Path passwordFile = Files.writeString(workDir.resolve("pwfile"), PASSWORD + "\n");
            server = builder(dataDir, logFile, passwordFile, walLevel, port).start();
            Files.deleteIfExists(passwordFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restart PostgreSQL on port " + port + "; see " + logFile, e);
        }
        LOG.info("PostgreSQL restarted on 127.0.0.1:{} (data {})", port, dataDir);
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + plainDatabaseName(database);
    }

    /**
     * The devstack's databases have plain names (letters, digits, {@code _}), since the name is also the path of a
     * JDBC URL; anything else is refused naming the database.
     */
    private static String plainDatabaseName(String name) {
        if (name == null || !PLAIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name + "' must match " + PLAIN_NAME.pattern()
                    + " (it is the path of a JDBC URL)");
        }
        return name;
    }

    /** The superuser name; it has the REPLICATION attribute. */
    public String user() {
        return USER;
    }

    /** The superuser's password, accepted over TCP (scram-sha-256). */
    public String password() {
        return PASSWORD;
    }

    /** The server log (stdout and stderr of the server process). */
    public Path logFile() {
        return logFile;
    }

    /** Creates a database owned by the superuser. */
    public void createDatabase(String name) {
        String quoted = SqlIdentifiers.quote(plainDatabaseName(name));
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quoted);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + " on port " + port(), e);
        }
    }

    /** Opens a new connection to the database as the superuser; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** Stops the server (fast shutdown) and deletes its temporary files; the second call does nothing. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop PostgreSQL on port " + port(), e);
        } finally {
            if (deleteDataDir) {
                TempDirs.deleteQuietly(dataDir);
            }
            TempDirs.deleteQuietly(workDir);
        }
        LOG.info("PostgreSQL on port {} stopped", port());
    }


    @Override
    public String toString() {
        return "DevPostgres[127.0.0.1:" + port() + ", data " + dataDir + "]";
    }
}
