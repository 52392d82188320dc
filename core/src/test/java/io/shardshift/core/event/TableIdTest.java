package io.shardshift.core.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableIdTest {

    @Test
    void shouldParseWithPostgresQuotingRules() {
        assertThat(TableId.parse("orders")).isEqualTo(new TableId("public", "orders"));
        assertThat(TableId.parse("Sales.Orders")).isEqualTo(new TableId("sales", "orders"));
        assertThat(TableId.parse("public.\"Order Items\"")).isEqualTo(new TableId("public", "Order Items"));
        assertThat(TableId.parse("\"Sales\".\"OrderItems\"")).isEqualTo(new TableId("Sales", "OrderItems"));
        assertThat(TableId.parse("\"a.b\".\"say \"\"hi\"\"\"")).isEqualTo(new TableId("a.b", "say \"hi\""));
        assertThat(TableId.parse("\"Order Items\"")).isEqualTo(new TableId("public", "Order Items"));
    }

    @Test
    void shouldReadItsOwnTextBack() {
        for (TableId id : new TableId[] {new TableId("public", "orders"), new TableId("Sales", "Order Items"),
                new TableId("a.b", "c\"d"), new TableId("public", "tenant$"), new TableId("x-y", "ünïcode")}) {
            assertThat(TableId.parse(id.toString())).as(id.toString()).isEqualTo(id);
        }
        assertThat(new TableId("public", "Order Items").toString()).isEqualTo("public.\"Order Items\"");
        assertThat(new TableId("public", "Order Items").quoted()).isEqualTo("\"public\".\"Order Items\"");
    }

    @Test
    void shouldRefuseNamesPostgresRefusesOrThatNeedQuotes() {
        assertThatThrownBy(() -> TableId.parse("public.Order Items")).hasMessageContaining("double-quote");
        assertThatThrownBy(() -> TableId.parse("public.\"Order")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> TableId.parse("a.b.c")).hasMessageContaining("more than two parts");
        assertThatThrownBy(() -> TableId.parse("public.\"\"")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TableId.parse("public." + "x".repeat(64))).hasMessageContaining("63");
    }
}
