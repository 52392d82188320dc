package io.shardshift.sink.pg;

import io.shardshift.core.sql.SqlIdentifiers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UniqueIndexesTest {

    @Test
    void shouldBuildBesideStandInUnderSuffixedName() {
        assertThat(UniqueIndexes.buildName("orders_code_key")).isEqualTo("orders_code_key_ss_unique");
    }

    @Test
    void shouldShortenBuildNameToValidIdentifierWhenTooLong() {
        String a = "a".repeat(60);
        String b = "a".repeat(59) + "b";

        assertThat(UniqueIndexes.buildName(a)).hasSize(63).endsWith("_ss_unique").matches(SqlIdentifiers::isValid);
        assertThat(UniqueIndexes.buildName(a)).isNotEqualTo(UniqueIndexes.buildName(b));
    }

    @Test
    void shouldNameTableIndexValuesAndRowsInReport() {
        DuplicateKeysException e = new DuplicateKeysException("database 'pg_a'", List.of(
                new DuplicateKeysException.Duplicate(Orders.SCHEMA.id(), "orders_code_key", List.of("code"),
                        List.of("A1"), 7, List.of("(acme,1)", "(acme,2)"), List.of("tenant", "id"))));

        assertThat(e).hasMessage("""
                unique indexes could not be restored on database 'pg_a' because rows share a key:
                  table sales.orders, index orders_code_key: (code)=(A1) is held by 7 rows, primary keys (tenant, id): (acme,1), (acme,2), ...
                the non-unique indexes of the same names are kept; fix those rows and restore again""");
    }
}
