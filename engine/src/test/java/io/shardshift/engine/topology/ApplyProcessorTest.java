package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.engine.topology.internal.ApplyProcessor;
import io.shardshift.engine.topology.internal.PendingWritesStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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
    static final TableSchema ORDERS = new TableSchema(Orders.TABLE, List.of(new ColumnDef("id", "bigint", true),
            new ColumnDef("tenant_id", "text", true), new ColumnDef("total", "numeric(12,2)", false)),
            List.of("id"), List.of(), true);

    final TablePauses pauses = new TablePauses(List.of(ORDERS));
    PendingWritesStore store;
    ApplyProcessor processor;
    long offset;

    @BeforeEach
    void init() {
        context.setCurrentSystemTimeMs(Orders.COMMIT_MILLIS + 1_000);
        store = new PendingWritesStore(ApplyTopology.STORE);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        KeyValueStore<Bytes, byte[]> parked = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ApplyTopology.PARKED_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        parked.init(context.getStateStoreContext(), parked);
        context.addStateStore(parked);
        processor = new ApplyProcessor(new Router(ONE_TARGET, Map.of(Orders.TABLE, Orders.SHARD_KEY)), sinks,
                deadLetters, new ApplyMetrics(), 3, FLUSH_INTERVAL, ApplyTopology.STORE, pauses,
                TargetOutages.giveUpAfter(Duration.ofSeconds(1)));
        processor.init(context);
    }

    void process(ChangeEvent... events) {
        for (ChangeEvent e : events) {
            context.setRecordMetadata("changes", 0, offset++);
            processor.process(new Record<>(ChangeEventCodec.encodeKey(e.keyValues()), ChangeEventCodec.encode(e), 0L));
        }
    }

    @Test
    void shouldPauseTheTableAndWriteNothingWhenAChangeLacksAColumn() {
        process(insert("1", "acme", "1.00", 100));
        ChangeEvent dropped = ChangeEvent.create(Orders.TABLE, Orders.key("2"), Map.of("id", "2", "tenant_id", "acme"),
                Orders.at(200));
        process(dropped, update("1", "acme", "3.00", 300));
        store.flushCache();

        assertThat(pauses.paused()).singleElement().satisfies(p -> {
            assertThat(p.reason()).contains("column total is no longer in the changes");
            assertThat(p.lsn()).isEqualTo(200);
        });
        assertThat(sinks.target("pg_a").rows).containsOnlyKeys(List.of("1"));
        assertThat(sinks.target("pg_a").row("1")).containsEntry("total", "1.00");
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void shouldApplyParkedChangesInOrderOnceTheTableIsResumed() {
        process(ChangeEvent.create(Orders.TABLE, Orders.key("2"), Map.of("id", "2", "tenant_id", "acme"), Orders.at(200)),
                ChangeEvent.update(Orders.TABLE, Orders.key("2"), null, Map.of("id", "2", "tenant_id", "globex"),
                        Orders.at(300)));
        assertThat(sinks.target("pg_a").rows).isEmpty();

        pauses.resumed(new TableSchema(Orders.TABLE, ORDERS.columns().subList(0, 2), List.of("id"), List.of(), true));
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(System.currentTimeMillis());

        assertThat(pauses.paused()).isEmpty();
        assertThat(sinks.target("pg_a").historyOf("2")).containsExactly("c:200", "u:300");
        assertThat(sinks.target("pg_a").row("2")).containsEntry("tenant_id", "globex");
    }

    @Test
    void shouldStripOnlyTheDroppedColumnFromAChangeOlderThanTheResumedDrop() {
        process(ChangeEvent.create(Orders.TABLE, Orders.key("2"), Map.of("id", "2", "tenant_id", "acme"), Orders.at(200)),
                Orders.insert("1", "acme", "1.00", 150));
        pauses.resumed(new TableSchema(Orders.TABLE, ORDERS.columns().subList(0, 2), List.of("id"), List.of(), true));
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(System.currentTimeMillis());

        assertThat(pauses.paused()).isEmpty();
        assertThat(sinks.target("pg_a").row("1")).containsOnlyKeys("id", "tenant_id").containsEntry("tenant_id", "acme");
        assertThat(sinks.target("pg_a").row("2")).containsOnlyKeys("id", "tenant_id");
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
