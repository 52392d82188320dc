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
    void shouldRejectAnythingThatCouldChangeAStatement() {
        for (String bad : new String[] {"a\"b", "a;drop table x", "1abc", "", "a b", "x--"}) {
            assertThat(SqlIdentifiers.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> SqlIdentifiers.requireValid("a;b", "layout.shardKey"))
                .hasMessageContaining("layout.shardKey").hasMessageContaining("a;b");
    }
}
