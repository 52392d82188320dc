package io.shardshift.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The physical limit capture is compared with: PostgreSQL's own logical decoding of the same change stream,
 * read by {@code pg_recvlogical} with the {@code pgoutput} plugin, {@code proto_version=1} and the
 * migration's publication, written to {@code /dev/null}.
 *
 * <p>A second slot is created just before the stream phase writes (so it starts at the same point of the
 * WAL as capture's slot sees those changes); once the stream phase is over, {@code pg_recvlogical} reads that
 * slot up to the LSN the writer ended at ({@code --endpos}), alone on the machine's share of CPU, and the rate
 * is the events of the phase over the time it took. The slot is dropped afterwards.
 */
final class RawDecoding {
    static final String SLOT = "shardshift_bench_raw";
    private static final long TIMEOUT_MINUTES = 10;

    /**
     * One raw decoding run.
     *
     * @param events  row changes between the slot's start and the end LSN
     * @param seconds wall time of {@code pg_recvlogical}, process start to exit at the end LSN
     */
    record Result(long events, double seconds) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private RawDecoding() {
    }

    /** Creates (anew) the raw slot at the current WAL position. */
    static void createSlot(Connection source) throws SQLException {
        dropSlot(source);
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, SLOT);
            ps.execute();
        }
    }

    /** Drops the raw slot when it exists. */
    static void dropSlot(Connection source) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, SLOT);
            ps.execute();
        }
    }

    /** The source's current WAL insert position, as text (e.g. {@code 0/5131250}). */
    static String currentLsn(Connection source) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_current_wal_lsn()::text");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code pg_recvlogical} on the PATH or beside a PostgreSQL installation, if any. */
    static Optional<Path> findBinary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, "pg_recvlogical"));
            }
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (var versions = Files.list(lib)) {
                versions.sorted().forEach(v -> candidates.add(v.resolve("bin/pg_recvlogical")));
            } catch (IOException e) {
                // no versions to add
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Reads the raw slot from its start to {@code endLsn}, output to /dev/null.
     *
     * @param events the row changes committed between the slot's creation and {@code endLsn}
     */
    static Result run(Path binary, String host, int port, String database, String user, String password,
                      String publication, String endLsn, long events) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-h", host, "-p", Integer.toString(port), "-U", user,
                "-d", database, "-S", SLOT, "--start", "--endpos=" + endLsn, "-o", "proto_version=1",
                "-o", "publication_names=" + publication, "-f", "/dev/null", "--no-loop");
        pb.environment().put("PGPASSWORD", password);
        pb.redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("pg_recvlogical did not reach " + endLsn + " within " + TIMEOUT_MINUTES + " minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("pg_recvlogical exited with " + process.exitValue() + ": " + new String(output).trim());
        }
        return new Result(events, seconds);
    }

    /**
     * Checks that the raw slot confirmed the whole stream: its {@code confirmed_flush_lsn} is at or past
     * {@code endLsn}, so the time measured covers every change up to it.
     *
     * @throws IllegalStateException naming both positions when it stopped short
     */
    static void checkReached(Connection source, String endLsn) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT confirmed_flush_lsn::text, confirmed_flush_lsn >= ?::pg_lsn"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, endLsn);
            ps.setString(2, SLOT);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("raw decoding slot " + SLOT + " is gone");
                }
                if (!rs.getBoolean(2)) {
                    throw new IllegalStateException("pg_recvlogical confirmed only " + rs.getString(1) + ", short of the end LSN "
                            + endLsn + ": the raw decoding rate would be wrong");
                }
            }
        }
    }
}
