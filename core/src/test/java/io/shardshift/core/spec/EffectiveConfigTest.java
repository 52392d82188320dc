package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The effective configuration: every key with its value, defaults filled in, secrets masked. */
class EffectiveConfigTest {

    @Test
    void shouldRenderEveryKeyWithDefaultsFilledIn() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID + SpecLoaderTest.SEARCH, SpecLoaderTest.ENV);

        String text = EffectiveConfig.render(spec);

        assertThat(text).startsWith("name = demo\nsource.jdbcUrl = jdbc:postgresql://127.0.0.1:5432/app\n")
                .contains("source.slotName = shardshift_demo\n")
                .contains("tables[1].name = public.items\n", "tables[1].shardKey = owner_id\n")
                .contains("tables[0].shardKey = tenant_id\n")
                .contains("kafka.partitions = 4\n", "kafka.replicationFactor = 1\n")
                .contains("kafka.topicPrefix = shardshift.demo\n")
                .contains("targets[1].type = postgres\n")
                .contains("layout.bucketMap = {pg_a=0-7, pg_b=8-15}\n")
                .contains("apply.chunkRows = 50000\n")
                .contains("search[0].shards = 2\n", "search[0].shardKey = tenant_id\n", "search[0].solrUrls = (none)\n")
                .contains("search[0].fields[0].field = amount\n")
                .contains("tenants = []\n")
                .contains("cutover.stableFor = 5s\n", "cutover.observationWindow = 30m\n", "cutover.slo = (none)\n")
                .endsWith("cutover.slo = (none)\ncutover.shadowReads = (none)\n");
    }

    @Test
    void shouldMaskPasswords() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID, SpecLoaderTest.ENV);

        Map<String, String> entries = EffectiveConfig.entries(spec, Map.of());

        assertThat(entries).containsEntry("source.password", "******").containsEntry("targets[0].password", "******");
        assertThat(EffectiveConfig.render(spec)).doesNotContain("s3cret").doesNotContain("t0p");
    }

    @Test
    void shouldMaskCredentialsInsideJdbcUrls() {
        String yaml = SpecLoaderTest.VALID
                .replace("jdbc:postgresql://127.0.0.1:5432/app",
                        "jdbc:postgresql://127.0.0.1:5432/app?user=shardshift&password=hunter2&ssl=true")
                .replace("jdbc:postgresql://127.0.0.1:5433/app", "jdbc:postgresql://app:swordfish@127.0.0.1:5433/app")
                .replace("jdbc:postgresql://127.0.0.1:5434/app",
                        "jdbc:postgresql://127.0.0.1:5434/app?sslmode=verify-full&sslpassword=opensesame");

        String text = EffectiveConfig.render(SpecLoader.parse(yaml, SpecLoaderTest.ENV));

        assertThat(text).doesNotContain("hunter2").doesNotContain("swordfish").doesNotContain("opensesame")
                .contains("source.jdbcUrl = jdbc:postgresql://127.0.0.1:5432/app?user=shardshift&password=******&ssl=true\n")
                .contains("targets[0].jdbcUrl = jdbc:postgresql://app:******@127.0.0.1:5433/app\n")
                .contains("targets[1].jdbcUrl = jdbc:postgresql://127.0.0.1:5434/app?sslmode=verify-full&sslpassword=******\n");
    }

    @Test
    void shouldMaskTheValueOfASecretEnvironmentVariableWhereverItWasSubstituted() {
        Map<String, String> env = Map.of("SRC_PW", "s3cret", "TGT_PW", "t0p", "SOLR_TOKEN", "tok-4711",
                "ZK_HOST", "127.0.0.1:2181");
        String yaml = (SpecLoaderTest.VALID + SpecLoaderTest.SEARCH)
                .replace("zkHost: 127.0.0.1:2181/solr", "zkHost: \"${env:ZK_HOST}/solr\"")
                .replace("user: shardshift", "user: \"shardshift-${env:SOLR_TOKEN}\"");

        String text = EffectiveConfig.render(SpecLoader.parse(yaml, env), env);

        assertThat(text).doesNotContain("tok-4711").contains("source.user = shardshift-******\n")
                .as("a variable whose name is no secret's stays readable")
                .contains("search[0].zkHost = 127.0.0.1:2181/solr\n");
    }

    @Test
    void shouldMaskCredentialsInAnyText() {
        assertThat(Secrets.maskCredentials("http://admin:pw@solr:8983/solr")).isEqualTo("http://admin:******@solr:8983/solr");
        assertThat(Secrets.maskCredentials("jdbc:postgresql://db:5432/app")).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(Secrets.maskCredentials("kafka1:9092,kafka2:9092")).isEqualTo("kafka1:9092,kafka2:9092");
        assertThat(Secrets.maskCredentials("jdbc:postgresql://db/app?PASSWORD=x;user=u")).isEqualTo(
                "jdbc:postgresql://db/app?PASSWORD=******;user=u");
        assertThat(Secrets.maskCredentials(null)).isNull();
    }
}
