package io.shardshift.sink.pg;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

/** Text forms of common column types reach the target intact, through the sink and through COPY. */
@Timeout(60)
class PgTypesIT {
    private static final TableId TYPED = TableId.parse("public.typed");
    /** Column, type, text value as PostgreSQL prints it. */
    private static final String[][] VALUES = {
            {"u", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
            {"day", "date", "2024-02-29"},
            {"i", "integer", "-2147483648"},
            {"b", "bigint", "9223372036854775807"},
            {"n", "numeric(12,2)", "1234567890.12"},
            {"t", "text", "héllo \"wörld\" {x} 'q' \\ ,"},
            {"v", "character varying(10)", "abcdefghij"},
            {"c", "character(3)", "ab "},
            {"ok", "boolean", "t"},
            {"tz", "timestamp with time zone", "2024-03-01 10:15:30.123456+00"},
            {"ts", "timestamp without time zone", "2024-03-01 10:15:30.5"},
            {"tm", "time without time zone", "23:59:59"},
            {"iv", "interval", "1 day 02:03:04"},
            {"f", "double precision", "3.14159"},
            {"j", "jsonb", "{\"a\": [1, 2, {\"b\": null}]}"},
            {"bin", "bytea", "\\x00ff10"},
            {"arr", "integer[]", "{1,2,3}"},
            {"tags", "text[]", "{a,\"b c\",NULL}"},
            {"empty", "text", null}};
    private static final TableSchema SCHEMA = schema();

    private final TargetDb db = TargetDb.fresh("types", SCHEMA);

    @Test
    void shouldStoreEveryTypeFromItsTextFormThroughStreamedAndSnapshotWrites() {
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(SCHEMA), 100, 1)) {
            assertThat(sink.apply(List.of(event(SourcePosition.streamed(10, 1, 1)),
                    ChangeEvent.read(TYPED, key("2024-03-01"), withKeyDay("2024-03-01"), SourcePosition.snapshotAt(5, 1))))).isEmpty();
            assertThat(sink.stats(TYPED).upserted()).isEqualTo(1);
            assertThat(sink.stats(TYPED).snapshotInserted()).isEqualTo(1);
        }
        assertEveryColumnEquals("2024-02-29");
        assertEveryColumnEquals("2024-03-01");
    }

    @Test
    void shouldStoreEveryTypeFromCopyText() {
        StringJoiner line = new StringJoiner("\t", "", "\n");
        for (String[] v : VALUES) {
            line.add(v[2] == null ? "\\N" : v[2].replace("\\", "\\\\"));
        }
        try (PgBackfillWriter w = PgBackfillWriter.open(db.spec(), SCHEMA)) {
            w.writeCopyText(line.toString());
            assertThat(w.rowsInserted()).isEqualTo(1);
        }
        assertEveryColumnEquals("2024-02-29");
    }

    @Test
    void shouldDeleteAndTombstoneKeysOfNonIntegerTypes() {
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(SCHEMA), 100, 1)) {
            sink.apply(List.of(event(SourcePosition.streamed(10, 1, 1))));
            sink.apply(List.of(ChangeEvent.delete(TYPED, key("2024-02-29"), null, SourcePosition.streamed(20, 2, 2))));
            sink.apply(List.of(ChangeEvent.read(TYPED, key("2024-02-29"), withKeyDay("2024-02-29"), SourcePosition.snapshotAt(5, 1))));
        }
        assertThat(db.scalar("SELECT count(*) FROM public.typed")).isEqualTo("0");
        assertThat(db.tombstones()).containsExactly("public.typed|{" + VALUES[0][2] + ",2024-02-29}|20");
    }

    private void assertEveryColumnEquals(String day) {
        for (String[] v : VALUES) {
            String expected = v[0].equals("day") ? day : v[2];
            String same = db.scalar("SELECT (\"" + v[0] + "\" IS NOT DISTINCT FROM CAST(? AS " + v[1] + "))::text "
                    + "FROM public.typed WHERE day = ?::date", expected, day);
            assertThat(same).as("column %s (%s) for %s", v[0], v[1], day).isEqualTo("true");
        }
    }

    private static ChangeEvent event(SourcePosition pos) {
        return ChangeEvent.create(TYPED, key("2024-02-29"), withKeyDay("2024-02-29"), pos);
    }

    private static Map<String, String> withKeyDay(String day) {
        Map<String, String> row = new LinkedHashMap<>();
        for (String[] v : VALUES) {
            row.put(v[0], v[0].equals("day") ? day : v[2]);
        }
        return row;
    }

    private static Map<String, String> key(String day) {
        Map<String, String> key = new LinkedHashMap<>();
        key.put("u", VALUES[0][2]);
        key.put("day", day);
        return key;
    }

    private static TableSchema schema() {
        List<ColumnDef> cols = new ArrayList<>();
        for (String[] v : VALUES) {
            cols.add(new ColumnDef(v[0], v[1], v[0].equals("u") || v[0].equals("day")));
        }
        return new TableSchema(TYPED, cols, List.of("u", "day"), List.of(), true);
    }
}
