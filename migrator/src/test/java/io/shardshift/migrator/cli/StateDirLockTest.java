package io.shardshift.migrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StateDirLockTest {
    @Test
    void aSecondMigratorOnTheSameStateDirectoryIsRefusedUntilTheFirstEnds(@TempDir Path state) throws Exception {
        Path dir = state.resolve("orders");
        Optional<StateDirLock> first = StateDirLock.tryAcquire(dir);
        assertThat(first).as("the first process takes the directory").isPresent();
        assertThat(StateDirLock.tryAcquire(dir)).as("a second one is refused").isEmpty();
        first.get().close();
        Optional<StateDirLock> again = StateDirLock.tryAcquire(dir);
        assertThat(again).as("free again once the first ended").isPresent();
        again.get().close();
    }
}
