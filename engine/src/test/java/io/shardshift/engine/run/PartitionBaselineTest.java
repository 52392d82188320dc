package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionBaselineTest {
    @Test
    void shouldKeepEachTablesPartitionsAcrossRunsWhateverTheirNames(@TempDir Path state) {
        TableId events = TableId.parse("public.events");
        TableId odd = TableId.parse("public.\"Order Items\"");
        PartitionBaseline first = new PartitionBaseline(state);
        assertThat(first.read(events)).as("a first run keeps nothing yet").isEmpty();

        first.write(events, List.of("public.events_m1", "public.\"events = m2\""));
        first.write(odd, List.of());

        PartitionBaseline next = new PartitionBaseline(state);
        assertThat(next.read(events)).contains(List.of("public.events_m1", "public.\"events = m2\""));
        assertThat(next.read(odd)).contains(List.of());
    }
}
