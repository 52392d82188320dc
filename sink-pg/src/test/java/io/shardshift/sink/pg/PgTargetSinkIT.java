package io.shardshift.sink.pg;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.contract.AbstractChangeSinkContract;
import io.shardshift.core.sink.contract.Items;
import io.shardshift.core.spec.TargetSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.shardshift.core.sink.contract.Items.create;
import static io.shardshift.core.sink.contract.Items.delete;
import static io.shardshift.core.sink.contract.Items.row;
import static io.shardshift.core.sink.contract.Items.snapshot;
import static io.shardshift.core.sink.contract.Items.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink contract on a real PostgreSQL, plus what is particular to PostgreSQL targets. */
class PgTargetSinkIT extends AbstractChangeSinkContract {
    private final TargetDb db = TargetDb.fresh("sink", Items.SCHEMA);

    @Override
    protected ChangeSink openSinkOnEmptyTarget() {
        return PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 1000, 3);
    }

    @Override
    protected Optional<Map<String, String>> storedRow(long id) {
        return db.row(Items.SCHEMA, Items.key(id));
    }

    @Override
    protected long storedRowCount() {
        return Long.parseLong(db.scalar("SELECT count(*) FROM public.items"));
    }

    private PgTargetSink pgSink() {
        return (PgTargetSink) sink();
    }

    @Test
    void shouldStoreFenceOfLastStreamedWriteAndZeroForSnapshotRows() {
        apply(create(1, "a", "1", 10), update(1, "b", "2", 25), snapshot(2, "s", "2", 99));
        apply(delete(3, 40));

        assertThat(db.fence(Items.SCHEMA, "1")).isEqualTo(25);
        assertThat(db.fence(Items.SCHEMA, "2")).isZero();
        assertThat(db.tombstones()).containsExactly("public.items|{3}|40");
    }

    @Test
    void shouldRemoveRowsOlderThanATruncateAndKeepOlderChangesAndLateBackfillRowsOut() {
        apply(create(1, "a", "1", 10), snapshot(2, "s", "2", 5), create(3, "c", "3", 30), delete(4, 12));

        apply(ChangeEvent.truncate(Items.ID, Items.streamed(20)));

        assertThat(db.row(Items.SCHEMA, Items.key(1))).isEmpty();
        assertThat(db.row(Items.SCHEMA, Items.key(2))).isEmpty();
        assertThat(db.row(Items.SCHEMA, Items.key(3))).contains(row(3, "c", "3"));
        assertThat(db.tombstones()).containsExactly("public.items|{}|20");

        apply(update(1, "stale", "1", 15), snapshot(5, "late", "5", 5), create(6, "new", "6", 25));
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            w.writeCopyText("7\tlate\t7\t\\N\n3\tlate\t3\t\\N\n");
            assertThat(w.rowsInserted()).isZero();
        }

        assertThat(storedRowCount()).isEqualTo(2);
        assertThat(db.row(Items.SCHEMA, Items.key(3))).contains(row(3, "c", "3"));
        assertThat(db.row(Items.SCHEMA, Items.key(6))).contains(row(6, "new", "6"));
    }

    @Test
    void shouldApplyTruncateFirstInItsBatchSoOnlyLaterChangesStay() {
        apply(create(1, "a", "1", 10), create(2, "b", "2", 11));

        apply(update(1, "before", "1", 19), ChangeEvent.truncate(Items.ID, Items.streamed(20)),
                create(2, "after", "2", 21), ChangeEvent.truncate(Items.ID, Items.streamed(20)));

        assertThat(storedRowCount()).isEqualTo(1);
        assertThat(db.row(Items.SCHEMA, Items.key(2))).contains(row(2, "after", "2"));
    }

    @Test
    void shouldKeepHighestFenceInTombstoneWhenOlderDeleteIsReplayed() {
        apply(delete(1, 50));
        apply(delete(1, 30));

        assertThat(db.tombstones()).containsExactly("public.items|{1}|50");
    }

    @Test
    void shouldRejectValueTheColumnTypeRefusesWithSqlStateAndNeverCutIt() {
        ChangeEvent notAnInt = create(1, "a", "abc", 10);
        ChangeEvent tooLong = ChangeEvent.create(Items.ID, Items.key(2),
                Map.of("id", "2", "name", "b", "qty", "1", "note", "x".repeat(21)), Items.streamed(11));

        List<RejectedEvent> rejected = apply(notAnInt, tooLong, create(3, "c", "3", 12));

        assertThat(rejected).extracting(RejectedEvent::event).containsExactly(notAnInt, tooLong);
        assertThat(rejected.get(0).reason()).startsWith("22P02").contains("integer").contains("abc");
        assertThat(rejected.get(1).reason()).startsWith("22001").contains("character varying(20)");
        assertThat(rejected).allSatisfy(r -> assertThat(r.reason()).doesNotContain(db.spec().password() + "@"));
        assertThat(storedRow(2)).isEmpty();
        assertThat(storedRow(3)).contains(row(3, "c", "3"));
    }

    @Test
    void shouldRejectEventOfUnknownColumnInsteadOfDroppingTheValue() {
        Map<String, String> after = new LinkedHashMap<>(row(1, "a", "1"));
        after.put("colour", "red");
        ChangeEvent e = ChangeEvent.create(Items.ID, Items.key(1), after, Items.streamed(10));

        List<RejectedEvent> rejected = apply(e, create(2, "b", "2", 11));

        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.reason()).contains("column colour"));
        assertThat(storedRow(2)).contains(row(2, "b", "2"));
    }

    @Test
    void shouldCountEveryEventPerTableAndTrackAppliedLsn() {
        apply(create(1, "a", "1", 10), create(2, "b", "2", 11), snapshot(3, "s", "3", 99), snapshot(1, "s", "1", 99));
        apply(update(1, "a", "1", 5), delete(2, 20), delete(9, 21), create(4, "x", "bad", 22));

        TableStats stats = pgSink().stats(Items.ID);
        assertThat(stats).isEqualTo(new TableStats(8, 2, 1, 1, 3, 1));
        assertThat(pgSink().stats()).containsOnlyKeys(Items.ID);
        assertThat(pgSink().appliedLsn()).isEqualTo(22);
    }

    @Test
    void shouldSplitLargeBatchIntoTransactionsOfBatchSize() {
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 1; i <= 2_500; i++) {
            batch.add(create(i, "n" + i, Integer.toString(i), 1_000 + i));
        }
        try (PgTargetSink small = PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 700, 1)) {
            assertThat(small.apply(batch)).isEmpty();
            assertThat(small.stats(Items.ID).upserted()).isEqualTo(2_500);
        }
        assertThat(storedRowCount()).isEqualTo(2_500);
        assertThat(storedRow(2_500)).contains(row(2_500, "n2500", "2500"));
    }

    @Test
    void shouldReconnectAndApplyWhenConnectionIsKilled() {
        apply(create(1, "a", "1", 10));
        db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND pid <> pg_backend_pid()");

        assertThat(apply(create(2, "b", "2", 11))).isEmpty();

        assertThat(storedRow(2)).contains(row(2, "b", "2"));
    }

    @Test
    void shouldThrowSinkExceptionNamingTargetTableAndLsnRangeWhenRetriesRunOut() {
        String role = "limited_" + db.spec().name();
        db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
        db.execute("GRANT ALL ON SCHEMA public, shardshift TO " + role);
        db.execute("GRANT ALL ON ALL TABLES IN SCHEMA public, shardshift TO " + role);
        TargetSpec limited = new TargetSpec(db.spec().name(), TargetSpec.POSTGRES, db.spec().jdbcUrl(), role, "pw-" + role);
        try (PgTargetSink s = PgTargetSink.open(limited, List.of(Items.SCHEMA), 100, 2)) {
            assertThat(s.apply(List.of(create(1, "a", "1", 10)))).isEmpty();
            db.execute("ALTER ROLE " + role + " CONNECTION LIMIT 0");
            db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?", role);

            assertThatThrownBy(() -> s.apply(List.of(create(2, "b", "2", 0x1_0000_0010L), delete(3, 0x1_0000_0020L))))
                    .isInstanceOf(SinkException.class)
                    .hasMessageContaining("target '" + db.spec().name() + "'")
                    .hasMessageContaining("public.items")
                    .hasMessageContaining("LSN " + Lsn.format(0x1_0000_0010L) + ".." + Lsn.format(0x1_0000_0020L))
                    .hasMessageContaining("after 3 attempts")
                    .hasMessageContaining("53300")
                    .hasMessageNotContaining("pw-" + role);
            assertThat(s.appliedLsn()).isEqualTo(10);
        }
    }

    @Test
    void shouldFailAtOnceWithoutShowingPasswordWhenLoginIsRefused() {
        TargetSpec wrong = new TargetSpec(db.spec().name(), TargetSpec.POSTGRES, db.spec().jdbcUrl(), db.spec().user(),
                "not-the-password");

        assertThatThrownBy(() -> PgTargetSink.open(wrong, List.of(Items.SCHEMA), 10, 5))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("28P01")
                .hasMessageContaining("target '" + db.spec().name() + "'")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void shouldRefuseToOpenOnTableThatIsNotProvisioned() {
        TableSchema other = new TableSchema(TableId.parse("public.other"),
                List.of(new ColumnDef("id", "integer", true)), List.of("id"), List.of(), true);

        assertThatThrownBy(() -> PgTargetSink.open(db.spec(), List.of(Items.SCHEMA, other), 10, 1))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("table public.other")
                .hasMessageContaining("does not exist");
    }
}
