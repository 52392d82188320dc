package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.layout.Layout;
import io.shardshift.engine.topology.internal.ApplyProcessor;
import io.shardshift.engine.topology.internal.PendingWritesStore;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.shardshift.engine.topology.Orders.insert;
import static io.shardshift.engine.topology.Orders.update;
import static org.assertj.core.api.Assertions.assertThat;

/** The apply processor on its own, driven step by step, to see when it writes. */
class ApplyProcessorTest {
    static final Layout ONE_TARGET = Layout.evenRanges(1, Orders.SHARD_KEY, 4, List.of("pg_a"), Map.of());
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    final RecordingSinks sinks = new RecordingSinks();
    final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    PendingWritesStore store;
    ApplyProcessor processor;
    long offset;

    @BeforeEach
    void init() {
        context.setCurrentSystemTimeMs(Orders.COMMIT_MILLIS + 1_000);
        store = new PendingWritesStore(ApplyTopology.STORE);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new ApplyProcessor(new Router(ONE_TARGET, Map.of(Orders.TABLE, Orders.SHARD_KEY)), sinks,
                deadLetters, new ApplyMetrics(), 3, FLUSH_INTERVAL, ApplyTopology.STORE);
        processor.init(context);
    }

    void process(ChangeEvent... events) {
        for (ChangeEvent e : events) {
            context.setRecordMetadata("changes", 0, offset++);
            processor.process(new Record<>(ChangeEventCodec.encodeKey(e.keyValues()), ChangeEventCodec.encode(e), 0L));
        }
    }

    @Test
    void shouldWriteFullBatchesInArrivalOrderAndHoldTheRestUntilCommit() {
        process(insert("1", "acme", "0.00", 100));
        for (int i = 1; i <= 6; i++) {
            process(update("1", "acme", i + ".00", 100 + i));
        }

        RecordingSinks.Target target = sinks.target("pg_a");
        assertThat(target.batches).extracting(List::size).containsExactly(3, 3);
        assertThat(target.row("1")).containsEntry("total", "5.00");

        store.flushCache();

        assertThat(target.batches).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(target.historyOf("1")).containsExactly("c:100", "u:101", "u:102", "u:103", "u:104", "u:105", "u:106");
        assertThat(target.row("1")).containsEntry("total", "6.00");
    }

    @Test
    void shouldWriteBufferedEventsOnWallClockPunctuation() {
        process(insert("1", "acme", "1.00", 100), insert("2", "acme", "2.00", 110));
        assertThat(sinks.target("pg_a").batches).isEmpty();

        MockProcessorContext.CapturedPunctuator punctuator = context.scheduledPunctuators().get(0);
        assertThat(punctuator.getInterval()).isEqualTo(FLUSH_INTERVAL);
        assertThat(punctuator.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        punctuator.getPunctuator().punctuate(System.currentTimeMillis());

        assertThat(sinks.target("pg_a").rows).containsOnlyKeys(List.of("1"), List.of("2"));
    }

    @Test
    void shouldDropBufferedEventsWhenKafkaStreamsClearsTheTaskCaches() {
        process(insert("1", "acme", "1.00", 100));

        store.clearCache();
        store.flushCache();

        assertThat(sinks.target("pg_a").batches).isEmpty();
    }

    @Test
    void shouldCloseSinksWithoutWritingWhatIsStillBuffered() {
        process(insert("1", "acme", "1.00", 100), insert("2", "acme", "1.00", 101), insert("3", "acme", "1.00", 102),
                insert("4", "acme", "1.00", 103));

        processor.close();

        assertThat(sinks.target("pg_a").rows).containsOnlyKeys(List.of("1"), List.of("2"), List.of("3"));
        assertThat(sinks.opened()).singleElement().satisfies(s -> assertThat(s.closed).isTrue());
    }

    @Test
    void shouldSkipKafkaTombstones() {
        context.setRecordMetadata("changes", 0, offset++);
        processor.process(new Record<>(ChangeEventCodec.encodeKey(List.of("1")), null, 0L));
        store.flushCache();

        assertThat(sinks.target("pg_a").batches).isEmpty();
        assertThat(deadLetters.letters).isEmpty();
    }
}
