package io.shardshift.engine.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceIdsTest {
    @Test
    void shouldKeepOneIdPerApplicationInTheStateDirectory(@TempDir Path stateDir, @TempDir Path otherDir) {
        String first = InstanceIds.of(stateDir, "shop.apply");

        assertThat(first).startsWith("shop.apply-");
        assertThat(InstanceIds.of(stateDir, "shop.apply")).as("after a restart on the same state directory").isEqualTo(first);
        assertThat(InstanceIds.of(stateDir, "shop.apply-search")).isNotEqualTo(first);
        assertThat(InstanceIds.of(otherDir, "shop.apply")).as("another process's state directory").isNotEqualTo(first);
    }
}
