package io.shardshift.core.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlIdentifiersTest {

    @Test
    void shouldQuotePlainIdentifiers() {
        assertThat(SqlIdentifiers.quote("tenant_id")).isEqualTo("\"tenant_id\"");
    }

    @Test
    void shouldQuoteAnyNamePostgresAcceptsSoItCannotChangeAStatement() {
        assertThat(SqlIdentifiers.quote("Order Items")).isEqualTo("\"Order Items\"");
        assertThat(SqlIdentifiers.quote("a\"; drop table x; --")).isEqualTo("\"a\"\"; drop table x; --\"");
        assertThat(SqlIdentifiers.quote("tenantId")).isEqualTo("\"tenantId\"");
    }

    @Test
    void shouldRejectWhatPostgresRejects() {
        for (String bad : new String[] {"", "a\0b", "x".repeat(64), "é".repeat(32)}) {
            assertThat(SqlIdentifiers.isValid(bad)).as(bad).isFalse();
        }
        assertThat(SqlIdentifiers.isValid("x".repeat(63))).isTrue();
        assertThatThrownBy(() -> SqlIdentifiers.requireValid("", "layout.shardKey"))
                .hasMessageContaining("layout.shardKey").hasMessageContaining("empty");
    }

    @Test
    void shouldDisplayOnlyOddNamesQuoted() {
        assertThat(SqlIdentifiers.display("orders")).isEqualTo("orders");
        assertThat(SqlIdentifiers.display("Orders")).isEqualTo("\"Orders\"");
        assertThat(SqlIdentifiers.display("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}
