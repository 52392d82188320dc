package io.shardshift.sink.pg;

import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.shardshift.core.sink.contract.Items.delete;
import static io.shardshift.core.sink.contract.Items.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TombstoneJanitorIT {
    @Test
    void shouldPurgeOnlyTombstonesBelowTheLsn() {
        TargetDb db = TargetDb.fresh("janitor", Items.SCHEMA);
        try (PgTargetSink sink = PgTargetSink.open(db.spec(), List.of(Items.SCHEMA), 100, 1)) {
            sink.apply(List.of(delete(1, 10), delete(2, 20), delete(3, 30)));
            TombstoneJanitor janitor = new TombstoneJanitor(db.spec());

            assertThat(janitor.purgeTombstonesBelow(25)).isEqualTo(2);

            assertThat(db.tombstones()).containsExactly("public.items|{3}|30");
            assertThat(janitor.tombstoneCount()).isEqualTo(1);
            sink.apply(List.of(snapshot(3, "late", "1", 5)));
            assertThat(db.row(Items.SCHEMA, Items.key(3))).isEmpty();
        }
    }
}
