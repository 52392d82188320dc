package io.shardshift.sink.pg;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.shardshift.core.sink.contract.Items.delete;
import static io.shardshift.core.sink.contract.Items.row;
import static io.shardshift.core.sink.contract.Items.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class PgBackfillWriterIT {
    private final TargetDb db = TargetDb.fresh("backfill", Items.SCHEMA);

    @Test
    void shouldCopyRowsWithFenceZero() {
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            w.writeCopyText("1\tone\t10\t\\N\n2\t\\N\t\\N\tnote\n");
            w.writeCopyText("3\tthree\t30\t\\N".getBytes(StandardCharsets.UTF_8));

            assertThat(w.rowsWritten()).isEqualTo(3);
            assertThat(w.rowsInserted()).isEqualTo(3);
        }
        assertThat(db.row(Items.SCHEMA, Items.key(1))).contains(row(1, "one", "10"));
        assertThat(db.query("SELECT name, qty, note FROM public.items WHERE id = 2").get(0))
                .containsEntry("name", null).containsEntry("qty", null).containsEntry("note", "note");
        assertThat(db.fence(Items.SCHEMA, "3")).isZero();
    }

    @Test
    void shouldKeepRowsTheStreamWroteOrDeleted() {
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 100, 1)) {
            sink.apply(List.of(update(1, "streamed", "5", 10), delete(2, 11)));
        }
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            w.writeCopyText("1\told\t1\t\\N\n2\told\t2\t\\N\n3\tnew\t3\t\\N\n");
            w.writeCopyText("3\tagain\t3\t\\N\n");

            assertThat(w.rowsWritten()).isEqualTo(4);
            assertThat(w.rowsInserted()).isEqualTo(1);
        }
        assertThat(db.row(Items.SCHEMA, Items.key(1))).contains(row(1, "streamed", "5"));
        assertThat(db.row(Items.SCHEMA, Items.key(2))).isEmpty();
        assertThat(db.row(Items.SCHEMA, Items.key(3))).contains(row(3, "new", "3"));
    }

    @Test
    void shouldMergeThroughStageWhenCopyMeetsAKeyAlreadyThere() {
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            w.writeCopyText("1\tfirst\t1\t\\N\n2\ttwo\t2\t\\N\n1\tsecond\t1\t\\N\n");

            assertThat(w.rowsWritten()).isEqualTo(3);
            assertThat(w.rowsInserted()).isEqualTo(2);
        }
        assertThat(db.row(Items.SCHEMA, Items.key(1))).contains(row(1, "first", "1"));
        assertThat(db.row(Items.SCHEMA, Items.key(2))).contains(row(2, "two", "2"));
    }

    @Test
    void shouldRefuseToOpenOnTableThatIsNotProvisioned() {
        db.execute("ALTER TABLE public.items DROP COLUMN _ss_lsn");

        assertThatThrownBy(() -> PgBackfillWriter.open(db.spec(), Items.SCHEMA))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("public.items")
                .hasMessageContaining("fence column _ss_lsn is missing");
    }

    @Test
    void shouldDecodeCopyEscapes() {
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            w.writeCopyText("1\ttab\\there\\\\back\\nline\t1\t\\N\n");
        }
        assertThat(db.row(Items.SCHEMA, Items.key(1))).contains(row(1, "tab\there\\back\nline", "1"));
    }

    @Test
    void shouldFailNamingTableAndSqlStateOnBadRowAndWriteNothingOfTheCall() {
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
            assertThatThrownBy(() -> w.writeCopyText("1\tok\t1\t\\N\n2\tbad\tabc\t\\N\n"))
                    .isInstanceOf(SinkException.class)
                    .hasMessageContaining("public.items")
                    .hasMessageContaining("22P02");
            w.writeCopyText("3\tok\t3\t\\N\n");
            assertThat(w.rowsWritten()).isEqualTo(1);
        }
        assertThat(db.query("SELECT id FROM public.items")).extracting(r -> r.get("id")).containsExactly("3");
    }

    @Test
    void shouldNeverResurrectRowsDeletedWhileBackfillRuns() throws Exception {
        int rows = 20_000;
        int chunk = 1_000;
        CompletableFuture<Void> backfill = CompletableFuture.runAsync(() -> {
            try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), Items.SCHEMA)) {
                for (int from = 1; from <= rows; from += chunk) {
                    StringBuilder sb = new StringBuilder();
                    for (int id = from; id < from + chunk; id++) {
                        sb.append(id).append("\tsnap\t").append(id).append("\t\\N\n");
                    }
                    w.writeCopyText(sb);
                }
            }
        });
        List<Long> deleted = new ArrayList<>();
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 1000, 3)) {
            long lsn = 100;
            while (!backfill.isDone() || deleted.size() < 200) {
                List<ChangeEvent> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    long id = 1 + (lsn * 7919) % rows;
                    batch.add(delete(id, lsn++));
                    deleted.add(id);
                }
                assertThat(sink.apply(batch)).isEmpty();
            }
        }
        backfill.get(60, TimeUnit.SECONDS);

        String ids = deleted.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        assertThat(db.query("SELECT id FROM public.items WHERE id = ANY (?::bigint[])", ids)).isEmpty();
        assertThat(Long.parseLong(db.scalar("SELECT count(*) FROM public.items")))
                .isEqualTo(rows - deleted.stream().distinct().count());
    }
}
