package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.contract.Items;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventCheckTest {
    private final Map<String, TableSql> tables = Map.of(Items.ID.toString(), new TableSql(Items.SCHEMA));

    @Test
    void shouldAcceptEventMatchingTheTable() {
        assertThat(EventCheck.problem(Items.create(1, "a", "2", 10), tables)).isNull();
    }

    @Test
    void shouldRejectEventOfTableNotOnTarget() {
        ChangeEvent e = ChangeEvent.create(TableId.parse("public.other"), Items.key(1), Items.row(1, "a", "1"), Items.streamed(1));
        assertThat(EventCheck.problem(e, tables)).isEqualTo("table public.other is not provisioned on this target");
    }

    @Test
    void shouldRejectColumnTheTargetDoesNotHave() {
        Map<String, String> row = new LinkedHashMap<>(Items.row(1, "a", "1"));
        row.put("colour", "red");
        ChangeEvent e = ChangeEvent.update(Items.ID, Items.key(1), null, row, Items.streamed(5));
        assertThat(EventCheck.problem(e, tables)).isEqualTo("column colour is not in table public.items on this target");
    }

    @Test
    void shouldRejectRowImageMissingAColumnNamingTableColumnAndPosition() {
        Map<String, String> row = new LinkedHashMap<>(Items.row(1, "a", "1"));
        String dropped = Items.SCHEMA.columns().get(Items.SCHEMA.columns().size() - 1).name();
        row.remove(dropped);
        ChangeEvent e = ChangeEvent.update(Items.ID, Items.key(1), null, row, Items.streamed(5));
        assertThat(EventCheck.problem(e, tables)).contains("column " + dropped + " of public.items has no value")
                .contains(Items.streamed(5).toString()).contains("REPLICA IDENTITY FULL");
    }

    @Test
    void shouldRejectKeyThatIsNotThePrimaryKey() {
        ChangeEvent e = ChangeEvent.create(Items.ID, Map.of("name", "a"), Items.row(1, "a", "1"), Items.streamed(1));
        assertThat(EventCheck.problem(e, tables)).contains("do not match the primary key [id]");
    }

    @Test
    void shouldAcceptTruncateOfAProvisionedTable() {
        assertThat(EventCheck.problem(ChangeEvent.truncate(Items.ID, Items.streamed(1)), tables)).isNull();
    }
}
