package io.shardshift.tools.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The physical limit the backfill is compared with: {@code COPY (SELECT ...) TO STDOUT} on the source piped
 * into {@code COPY ... FROM STDIN} on a target, streaming (a reader thread hands 256 KB blocks to the
 * writing thread), into a plain table of the same shape with the same primary key.
 */
final class RawCopy {
    private static final int BLOCK_BYTES = 256 * 1024;
    private static final byte[] END = new byte[0];

    /**
     * What one raw copy did.
     *
     * @param rows    rows the target acknowledged
     * @param bytes   COPY text bytes moved
     * @param seconds wall time from the first read to the target's acknowledgement
     */
    record Result(long rows, long bytes, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private RawCopy() {
    }

    /** Copies {@link BenchSource#TABLE} from the source into {@link BenchSource#RAW_TABLE} on the target. */
    static Result run(Connection source, Connection target) throws SQLException, InterruptedException {
        BenchSource.createRawTable(target);
        BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(16);
        AtomicReference<Exception> readFailure = new AtomicReference<>();
        long[] bytes = {0};
        long start = System.nanoTime();
        Thread reader = new Thread(() -> read(source, blocks, readFailure, bytes), "bench-raw-copy-reader");
        reader.setDaemon(true);
        reader.start();
        CopyIn in = target.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + BenchSource.RAW_TABLE + " (" + BenchSource.COLUMNS + ") FROM STDIN");
        try {
            for (byte[] block = blocks.take(); block != END; block = blocks.take()) {
                in.writeToCopy(block, 0, block.length);
            }
            if (readFailure.get() != null) {
                in.cancelCopy();
                throw new SQLException("raw copy: reading the source failed: " + readFailure.get().getMessage(),
                        readFailure.get());
            }
            long rows = in.endCopy();
            double seconds = (System.nanoTime() - start) / 1e9;
            reader.join();
            return new Result(rows, bytes[0], seconds);
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void read(Connection source, BlockingQueue<byte[]> blocks, AtomicReference<Exception> failure,
                             long[] bytes) {
        try {
            CopyOut out = source.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT " + BenchSource.COLUMNS + " FROM " + BenchSource.TABLE + ") TO STDOUT");
            ByteArrayOutputStream block = new ByteArrayOutputStream(BLOCK_BYTES + 4096);
            long total = 0;
            for (byte[] row = out.readFromCopy(); row != null; row = out.readFromCopy()) {
                block.write(row, 0, row.length);
                if (block.size() >= BLOCK_BYTES) {
                    total += block.size();
                    blocks.put(block.toByteArray());
                    block.reset();
                }
            }
            total += block.size();
            if (block.size() > 0) {
                blocks.put(block.toByteArray());
            }
            bytes[0] = total;
        } catch (SQLException e) {
            failure.set(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.set(e);
        } finally {
            try {
                blocks.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
