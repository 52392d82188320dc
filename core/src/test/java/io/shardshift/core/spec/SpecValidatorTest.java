package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every problem of a spec at once, each naming its field. */
class SpecValidatorTest {

    @Test
    void shouldListEveryProblemInSpecOrderInOneException() {
        String yaml = SpecLoaderTest.VALID.replace("name: demo", "name: Demo")
                .replace("  partitions: 4", "  partitions: 0")
                .replace("pg_b: \"8-15\"", "pg_b: \"7-15\"")
                + "apply: {threads: 0}\ntenants: [a, a]\ncutover: {stableFor: soon, slo: {maxErrorRate: 2}}\n";

        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecLoader.parse(yaml, SpecLoaderTest.ENV));

        assertThat(e.problems()).extracting(SpecException.Problem::field).containsExactly("name", "kafka.partitions",
                "layout.bucketMap.pg_b", "apply.threads", "tenants[1]", "cutover.stableFor", "cutover.slo.maxErrorRate");
        assertThat(e.field()).isEqualTo("name");
        assertThat(e.getMessage()).startsWith("7 problems:\n  name: 'Demo' must match")
                .contains("\n  kafka.partitions: must be between 1 and 1024, was 0")
                .contains("\n  apply.threads: must be at least 1, was 0")
                .contains("\n  cutover.stableFor: 'soon' is not a duration");
    }

    @Test
    void shouldNameTheOutageGiveUpWhenItIsNotADurationOrTooShort() {
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "apply: {outageGiveUp: forever}\n",
                SpecLoaderTest.ENV)).hasMessageStartingWith("apply.outageGiveUp: 'forever' is not a duration");
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "apply: {outageGiveUp: 10ms}\n",
                SpecLoaderTest.ENV)).hasMessage("apply.outageGiveUp: must be at least 1s, was '10ms'");
        assertThat(SpecLoader.parse(SpecLoaderTest.VALID + "apply: {outageGiveUp: 2h}\n", SpecLoaderTest.ENV)
                .applyOrDefaults().outageGiveUpOrDefault()).hasHours(2);
        assertThat(SpecLoader.parse(SpecLoaderTest.VALID, SpecLoaderTest.ENV).applyOrDefaults().outageGiveUpOrDefault())
                .isEqualTo(SpecDefaults.APPLY_OUTAGE_GIVE_UP);
    }

    @Test
    void shouldNameCaptureGroupsWhenOutOfRangeOrMoreThanTheTables() {
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "capture: {groups: 3}\n", SpecLoaderTest.ENV))
                .isInstanceOf(SpecException.class)
                .hasMessage("capture.groups: is 3 but the spec has only 2 table(s): each group captures whole tables,"
                        + " so give at most 2");
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "capture: {groups: 0}\n", SpecLoaderTest.ENV))
                .hasMessage("capture.groups: must be between 1 and 32, was 0");
        String longSlot = "s".repeat(62);
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID.replace("  user: shardshift", "  user: shardshift\n  slotName: "
                + longSlot) + "capture: {groups: 2}\n", SpecLoaderTest.ENV))
                .hasMessageContaining("source.slotName: '" + longSlot + "' is too long for 2 capture groups");

        MigrationSpec two = SpecLoader.parse(SpecLoaderTest.VALID + "capture: {groups: 2}\n", SpecLoaderTest.ENV);
        assertThat(two.captureGroups()).isEqualTo(2);
        assertThat(two.slotNames()).containsExactly("shardshift_demo", "shardshift_demo_g1");
        assertThat(two.publicationName(1)).isEqualTo("shardshift_demo_g1");
        assertThat(SpecLoader.parse(SpecLoaderTest.VALID, SpecLoaderTest.ENV).slotNames()).containsExactly("shardshift_demo");
    }

    @Test
    void shouldKeepTheOneLineMessageForASingleProblem() {
        String yaml = SpecLoaderTest.VALID.replace("  partitions: 4", "  partitions: 0");

        assertThatThrownBy(() -> SpecLoader.parse(yaml, SpecLoaderTest.ENV)).isInstanceOf(SpecException.class)
                .hasMessage("kafka.partitions: must be between 1 and 1024, was 0")
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("kafka.partitions"))
                .satisfies(e -> assertThat(((SpecException) e).problems()).hasSize(1));
    }

    @Test
    void shouldReturnNoProblemsForAValidSpec() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID, SpecLoaderTest.ENV);

        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    @Test
    void shouldAcceptSameOrPlainTargetPartitioningAndNameTheFieldOtherwise() {
        String same = SpecLoaderTest.VALID.replace("shardKey: owner_id", "shardKey: owner_id\n    targetPartitioning: same");
        String bad = SpecLoaderTest.VALID.replace("shardKey: owner_id", "shardKey: owner_id\n    targetPartitioning: hash");

        MigrationSpec spec = SpecLoader.parse(same, SpecLoaderTest.ENV);
        assertThat(spec.samePartitioning(io.shardshift.core.event.TableId.parse("items"))).isTrue();
        assertThat(spec.samePartitioning(io.shardshift.core.event.TableId.parse("public.orders"))).isFalse();
        assertThatThrownBy(() -> SpecLoader.parse(bad, SpecLoaderTest.ENV)).isInstanceOf(SpecException.class)
                .hasMessage("tables[1].targetPartitioning: must be 'same' or 'plain', not 'hash'");
    }

    @Test
    void shouldNotReportATableProblemTwice() {
        String yaml = SpecLoaderTest.VALID.replace("name: items", "name: \"a.b.c\"") + SpecLoaderTest.SEARCH;

        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecLoader.parse(yaml, SpecLoaderTest.ENV));

        assertThat(e.problems()).extracting(SpecException.Problem::field).containsExactly("tables[1].name");
    }

    @Test
    void shouldNeverShowAPasswordOfABadJdbcUrl() {
        String yaml = SpecLoaderTest.VALID.replace("jdbc:postgresql://127.0.0.1:5432/app",
                "postgres://127.0.0.1:5432/app?password=hunter2");

        assertThatThrownBy(() -> SpecLoader.parse(yaml, SpecLoaderTest.ENV)).hasMessageContaining("source.jdbcUrl")
                .hasMessageNotContaining("hunter2");
    }
}
