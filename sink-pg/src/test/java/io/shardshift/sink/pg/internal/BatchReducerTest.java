package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.shardshift.core.sink.contract.Items.create;
import static io.shardshift.core.sink.contract.Items.delete;
import static io.shardshift.core.sink.contract.Items.snapshot;
import static io.shardshift.core.sink.contract.Items.update;
import static org.assertj.core.api.Assertions.assertThat;

class BatchReducerTest {

    @Test
    void shouldKeepLastStreamedEventPerKey() {
        ChangeEvent last = update(1, "c", "3", 30);
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(
                create(1, "a", "1", 10), update(1, "b", "2", 20), create(2, "x", "1", 15), last));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).get(WriteKind.UPSERT)).containsExactlyInAnyOrder(last, create(2, "x", "1", 15));
        assertThat(out.get(0).get(WriteKind.DELETE)).isEmpty();
    }

    @Test
    void shouldLetDeleteReplaceEarlierUpsertOfSameKey() {
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(create(1, "a", "1", 10), delete(1, 20)));

        assertThat(out.get(0).get(WriteKind.UPSERT)).isEmpty();
        assertThat(out.get(0).get(WriteKind.DELETE)).containsExactly(delete(1, 20));
    }

    @Test
    void shouldNeverLetSnapshotRowReplaceStreamedEvent() {
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(
                update(1, "streamed", "1", 10), snapshot(1, "snap", "1", 99), delete(2, 5), snapshot(2, "snap", "2", 99)));

        assertThat(out.get(0).get(WriteKind.UPSERT)).containsExactly(update(1, "streamed", "1", 10));
        assertThat(out.get(0).get(WriteKind.DELETE)).containsExactly(delete(2, 5));
        assertThat(out.get(0).get(WriteKind.SNAPSHOT_INSERT)).isEmpty();
    }

    @Test
    void shouldLetStreamedEventReplaceSnapshotRow() {
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(snapshot(1, "snap", "1", 99), update(1, "new", "2", 10)));

        assertThat(out.get(0).get(WriteKind.UPSERT)).containsExactly(update(1, "new", "2", 10));
        assertThat(out.get(0).get(WriteKind.SNAPSHOT_INSERT)).isEmpty();
    }

    @Test
    void shouldKeepFirstOfTwoSnapshotRowsSinceSnapshotRowsNeverOverwrite() {
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(snapshot(1, "first", "1", 5), snapshot(1, "second", "1", 9)));

        assertThat(out.get(0).get(WriteKind.SNAPSHOT_INSERT)).containsExactly(snapshot(1, "first", "1", 5));
    }

    @Test
    void shouldKeepHighestLsnWhenReplayedOlderEventComesLast() {
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(update(1, "new", "2", 20), update(1, "old", "1", 10)));

        assertThat(out.get(0).get(WriteKind.UPSERT)).containsExactly(update(1, "new", "2", 20));
    }

    @Test
    void shouldGroupByTableInNameOrderAndKeepKeysOfDifferentTablesApart() {
        TableId other = new TableId("a_schema", "items");
        ChangeEvent otherEvent = ChangeEvent.create(other, Items.key(1), Items.row(1, "o", "1"), Items.streamed(3));
        List<BatchReducer.TableBatch> out = BatchReducer.reduce(List.of(create(1, "a", "1", 1), otherEvent));

        assertThat(out).extracting(BatchReducer.TableBatch::table).containsExactly(other, Items.ID);
        assertThat(out.get(0).get(WriteKind.UPSERT)).containsExactly(otherEvent);
        assertThat(out.get(1).get(WriteKind.UPSERT)).containsExactly(create(1, "a", "1", 1));
    }

    @Test
    void shouldTreatStreamedOperationWithSnapshotPositionAsSnapshotRow() {
        ChangeEvent e = ChangeEvent.create(Items.ID, Items.key(1), Items.row(1, "a", "1"),
                SourcePosition.snapshotAt(7, 1));

        assertThat(WriteKind.of(e)).isEqualTo(WriteKind.SNAPSHOT_INSERT);
        assertThat(BatchReducer.reduce(List.of(e)).get(0).byKind()).containsOnlyKeys(WriteKind.SNAPSHOT_INSERT);
    }
}
