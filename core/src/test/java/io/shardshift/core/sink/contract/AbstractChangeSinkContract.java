package io.shardshift.core.sink.contract;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.shardshift.core.sink.contract.Items.create;
import static io.shardshift.core.sink.contract.Items.delete;
import static io.shardshift.core.sink.contract.Items.row;
import static io.shardshift.core.sink.contract.Items.snapshot;
import static io.shardshift.core.sink.contract.Items.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ChangeSink} must do, written once and run against each backend (as Debezium's JDBC sink
 * tests do with {@code AbstractJdbcSinkDeleteEnabledTest}). A backend test extends this class and says how
 * to open a sink on an empty target holding {@link Items#SCHEMA} and how to read a stored row back:
 * {@code PgTargetSinkIT} in sink-pg, {@code SolrChangeSinkContractIT} in sink-solr.
 *
 * <p>Modules use it through core's test-jar ({@code <type>test-jar</type>}, scope test).
 */
@Timeout(60)
public abstract class AbstractChangeSinkContract {
    private ChangeSink sink;

    /** Opens a sink on a fresh target that holds an empty {@link Items#SCHEMA} table. */
    protected abstract ChangeSink openSinkOnEmptyTarget();

    /**
     * The row the target holds for an id, every column of {@link Items#SCHEMA} as the text PostgreSQL prints
     * for its value ({@code null} for SQL NULL, or where the target holds no value); empty when the id holds
     * no row, whatever the target keeps to remember a delete (a tombstone is no row). Sees every batch
     * applied so far, whatever delay the target has before searches see a write.
     */
    protected abstract Optional<Map<String, String>> storedRow(long id);

    /** The number of rows the target holds, tombstones not counted, including every batch applied so far. */
    protected abstract long storedRowCount();

    @BeforeEach
    void openSink() {
        sink = openSinkOnEmptyTarget();
    }

    @AfterEach
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    protected ChangeSink sink() {
        return sink;
    }

    protected List<RejectedEvent> apply(ChangeEvent... events) {
        return sink.apply(List.of(events));
    }

    @Test
    void shouldApplyStreamedInsertUpdateAndDelete() {
        assertThat(apply(create(1, "a", "1", 10), create(2, "b", "2", 11))).isEmpty();
        assertThat(apply(update(1, "a2", "5", 12), delete(2, 13))).isEmpty();

        assertThat(storedRow(1)).contains(row(1, "a2", "5"));
        assertThat(storedRow(2)).isEmpty();
    }

    @Test
    void shouldIgnoreStaleUpdateWhenNewerVersionApplied() {
        apply(update(1, "newer", "2", 20));
        apply(update(1, "older", "1", 10));

        assertThat(storedRow(1)).contains(row(1, "newer", "2"));
    }

    @Test
    void shouldChangeNothingWhenWholeBatchIsReplayed() {
        List<ChangeEvent> batch = List.of(snapshot(1, "s1", "1", 100), snapshot(2, "s2", "2", 100),
                create(3, "c3", "3", 10), update(1, "u1", "11", 11), delete(2, 12), update(3, "u3", "33", 13),
                delete(4, 14), snapshot(4, "s4", "4", 100), create(5, "c5", "5", 15));
        sink.apply(batch);
        List<Optional<Map<String, String>>> before = rows(1, 5);

        assertThat(sink.apply(batch)).isEmpty();
        assertThat(sink.apply(batch.subList(2, 6))).isEmpty();

        assertThat(rows(1, 5)).isEqualTo(before);
        assertThat(before).containsExactly(Optional.of(row(1, "u1", "11")), Optional.empty(),
                Optional.of(row(3, "u3", "33")), Optional.empty(), Optional.of(row(5, "c5", "5")));
    }

    @Test
    void shouldNotResurrectDeletedRowWhenLateSnapshotRowArrives() {
        apply(create(1, "a", "1", 10));
        apply(delete(1, 20), delete(2, 21));

        apply(snapshot(1, "from snapshot", "1", 5), snapshot(2, "from snapshot", "2", 5));

        assertThat(storedRow(1)).isEmpty();
        assertThat(storedRow(2)).isEmpty();
    }

    @Test
    void shouldNeverOverwriteStreamedRowWithSnapshotRow() {
        apply(update(1, "streamed", "1", 5));

        apply(snapshot(1, "snapshot", "9", 1_000));

        assertThat(storedRow(1)).contains(row(1, "streamed", "1"));
    }

    @Test
    void shouldInsertSnapshotRowWhereKeyHoldsNothingAndLetStreamedChangeReplaceIt() {
        apply(snapshot(1, "snap", "1", 100), snapshot(2, "snap", "2", 100));
        apply(update(1, "streamed", "5", 3));

        assertThat(storedRow(1)).contains(row(1, "streamed", "5"));
        assertThat(storedRow(2)).contains(row(2, "snap", "2"));
    }

    @Test
    void shouldKeepNewerRowWhenStaleDeleteArrives() {
        apply(update(1, "newer", "3", 30));

        apply(delete(1, 20));

        assertThat(storedRow(1)).contains(row(1, "newer", "3"));
    }

    @Test
    void shouldNotBringBackDeletedRowWhenOlderEventIsReplayed() {
        apply(create(1, "a", "1", 10), update(1, "b", "2", 15));
        apply(delete(1, 20));

        apply(update(1, "b", "2", 15));

        assertThat(storedRow(1)).isEmpty();
    }

    @Test
    void shouldInsertRowAgainWhenNewerCreateFollowsDelete() {
        apply(create(1, "a", "1", 10), delete(1, 20), create(1, "again", "2", 30));
        apply(create(2, "a", "1", 10));
        apply(delete(2, 20));
        apply(create(2, "again", "2", 30));

        assertThat(storedRow(1)).contains(row(1, "again", "2"));
        assertThat(storedRow(2)).contains(row(2, "again", "2"));
    }

    @Test
    void shouldApplyLastEventPerKeyWithinOneBatch() {
        apply(create(1, "a", "1", 10), update(1, "b", "2", 11), snapshot(1, "snap", "0", 99), update(1, "c", "3", 12),
                create(2, "x", "1", 13), delete(2, 14), create(3, "y", "1", 15), delete(3, 16), create(3, "z", "2", 17));

        assertThat(storedRow(1)).contains(row(1, "c", "3"));
        assertThat(storedRow(2)).isEmpty();
        assertThat(storedRow(3)).contains(row(3, "z", "2"));
        assertThat(storedRowCount()).isEqualTo(2);
    }

    @Test
    void shouldRejectBadValueWithReasonAndApplyRestOfBatch() {
        ChangeEvent bad = create(2, "b", "abc", 11);

        List<RejectedEvent> rejected = apply(create(1, "a", "1", 10), bad, create(3, "c", "3", 12),
                update(1, "a2", "5", 13), snapshot(4, "s", "4", 100));

        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).event()).isEqualTo(bad);
        assertThat(rejected.get(0).target()).isEqualTo(sink.name());
        assertThat(rejected.get(0).reason()).isNotBlank();
        assertThat(storedRow(1)).contains(row(1, "a2", "5"));
        assertThat(storedRow(2)).isEmpty();
        assertThat(storedRow(3)).contains(row(3, "c", "3"));
        assertThat(storedRow(4)).contains(row(4, "s", "4"));
    }

    @Test
    void shouldApplyNothingAndRejectNothingForEmptyBatch() {
        assertThat(sink.apply(List.of())).isEmpty();
        assertThat(storedRowCount()).isZero();
    }

    private List<Optional<Map<String, String>>> rows(long from, long to) {
        List<Optional<Map<String, String>>> out = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            out.add(storedRow(id));
        }
        return out;
    }
}
