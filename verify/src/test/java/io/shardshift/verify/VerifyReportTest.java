package io.shardshift.verify;

import io.shardshift.core.verify.CompareReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.core.verify.CompareReport.Mismatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyReportTest {
    static final VerifyReport DIRTY = new VerifyReport("orders_reshard", List.of(
            new VerifyReport.TableResult("public.orders", 50_000, 5, 1, 3,
                    List.of(new Mismatch(Kind.MISSING_IN_TARGET, "(42)", "expected in pg_a"),
                            new Mismatch(Kind.WRONG_TARGET, "(77)", "in pg_a, expected only in pg_b")), 0, List.of())), 812);

    @Test
    void shouldPrintEachMismatchWithItsKeyAndTheCountsByKind() {
        String text = DIRTY.toText();
        assertThat(text).contains("verify orders_reshard: 2 MISMATCHES")
                .contains("public.orders: 50000 rows compared in 5 chunks, 1 chunks differed, 3 keys re-checked, 2 mismatches")
                .contains("missing in target: 1", "wrong target: 1", "different values: 0")
                .contains("missing in target key (42): expected in pg_a")
                .contains("wrong target key (77): in pg_a, expected only in pg_b");
    }

    @Test
    void shouldRenderJsonWithKindsAndKeys() throws Exception {
        JsonNode json = new ObjectMapper().readTree(DIRTY.toJson());
        assertThat(json.get("clean").asBoolean()).isFalse();
        JsonNode table = json.get("tables").get(0);
        assertThat(table.get("rowsCompared").asLong()).isEqualTo(50_000);
        assertThat(table.get("mismatchesByKind").get("MISSING_IN_TARGET").asLong()).isEqualTo(1);
        assertThat(table.get("mismatchesByKind").get("EXTRA_IN_TARGET").asLong()).isZero();
        assertThat(table.get("mismatches").get(1).get("key").asText()).isEqualTo("(77)");
    }

    @Test
    void shouldBeCleanWithNoMismatchAndNoUnsettledKey() {
        VerifyReport clean = new VerifyReport("m", List.of(new VerifyReport.TableResult("public.orders", 10, 1, 0, 0,
                List.of(), 0, List.of())), 5);
        assertThat(clean.clean()).isTrue();
        assertThat(clean.toText()).startsWith("verify m: CLEAN");
        VerifyReport unsettled = new VerifyReport("m", List.of(new VerifyReport.TableResult("public.orders", 10, 1, 1, 1,
                List.of(), 0, List.of("(9)"))), 5);
        assertThat(unsettled.clean()).isFalse();
    }
}
