package io.shardshift.migrator.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps one {@code shardshift migrate} process per state directory: the apply topology's local state and the audit
 * log live there, and a second process of the same migration on the same host must have a directory of its own.
 * An operating-system lock on {@code <state>/migrate.lock}, released when the process ends, however it ends.
 */
final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process holds it. */
    static Optional<StateDirLock> tryAcquire(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        FileChannel channel = FileChannel.open(stateDir.resolve("migrate.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new StateDirLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
