package io.shardshift.sink.pg.internal;

import io.shardshift.core.spec.TargetSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TargetsTest {
    private final TargetSpec target = new TargetSpec("east", "postgres",
            "jdbc:postgresql://db:5432/orders?password=s3cret-pw&ssl=true", "app", "s3cret-pw");

    @Test
    void shouldDescribeTargetWithoutQueryStringOrPassword() {
        assertThat(Targets.describe(target)).isEqualTo("target 'east' (jdbc:postgresql://db:5432/orders)");
    }

    @Test
    void shouldMaskPasswordInMessages() {
        assertThat(Targets.scrub("auth failed for s3cret-pw", target)).isEqualTo("auth failed for ******");
    }
}
