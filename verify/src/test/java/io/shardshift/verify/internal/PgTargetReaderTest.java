package io.shardshift.verify.internal;

import io.shardshift.core.spec.TargetSpec;
import io.shardshift.verify.VerifyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgTargetReaderTest {

    @Test
    void shouldMaskTheUrlsPasswordWhenItCannotConnect() {
        TargetSpec target = new TargetSpec("pg_a", null,
                "jdbc:postgresql://127.0.0.1:1/app?password=hunter2&connectTimeout=2", "app", "hunter2");
        assertThatThrownBy(() -> PgTargetReader.open(target, null))
                .isInstanceOf(VerifyException.class)
                .hasMessageContaining("cannot connect to target pg_a").hasMessageContaining("password=******")
                .hasMessageNotContaining("hunter2");
    }
}
