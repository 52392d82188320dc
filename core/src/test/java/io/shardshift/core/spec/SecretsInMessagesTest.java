package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsInMessagesTest {
    static final String URL = "jdbc:postgresql://app:hunter2@db:5432/app?user=app&password=hunter2&sslmode=require";

    @Test
    void shouldMaskAJdbcUrlsCredentialsInASpecProblem() {
        SpecException one = new SpecException("source.jdbcUrl", "checking the source " + URL + " failed: refused");
        SpecException two = new SpecException(List.of(new SpecException.Problem("source.jdbcUrl", "the source " + URL
                + " has wal_level=replica"), new SpecException.Problem("tables[0]", "missing in " + URL)));

        for (SpecException e : List.of(one, two)) {
            assertThat(e.getMessage()).doesNotContain("hunter2").contains("app:******@db", "password=******",
                    "sslmode=require");
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.problem()).doesNotContain("hunter2"));
        }
    }

    @Test
    void shouldMaskTheUrlInTheSourceAndTargetSpecsToString() {
        SourceSpec source = new SourceSpec(URL, "app", "hunter2", null, null);
        TargetSpec target = new TargetSpec("pg_a", null, URL, "app", "hunter2");
        assertThat(source.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://app:******@db");
        assertThat(target.toString()).doesNotContain("hunter2").contains("password=******");
    }
}
