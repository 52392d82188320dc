package io.shardshift.migrator.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml cannot run here (no Docker); this checks it parses and has every service it must. */
class DockerComposeTest {
    private static final List<String> SERVICES = List.of("kafka", "source-postgres", "target-postgres-a",
            "target-postgres-b", "zookeeper", "solr", "migrator", "migrator-2", "prometheus", "grafana");
    private static final String README_COMPOSE_SECTION = "### Deploying with Docker";
    /** How README.md's compose section names each service of docker-compose.yml. */
    private static final Map<String, String> README_NAMES = Map.of("kafka", "Kafka",
            "source-postgres", "a source PostgreSQL with logical WAL", "target-postgres-a", "two PostgreSQL targets",
            "target-postgres-b", "two PostgreSQL targets", "zookeeper", "ZooKeeper", "solr", "Solr",
            "migrator", "the migrator", "migrator-2", "a second migrator process", "prometheus", "Prometheus",
            "grafana", "Grafana");

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docker-compose.yml"))) {
            p = p.getParent();
        }
        assertThat(p).as("docker-compose.yml above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(repo().resolve("docker-compose.yml").toFile());
    }

    @Test
    void shouldNameEveryServiceOfTheStack() throws Exception {
        List<String> names = new ArrayList<>();
        compose().path("services").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsAll(SERVICES);
        compose().path("services").fields().forEachRemaining(s ->
                assertThat(s.getValue().path("image").asText()).as("image of " + s.getKey()).isNotBlank());
    }

    @Test
    void shouldRunTheSourceWithLogicalWal() throws Exception {
        assertThat(compose().path("services").path("source-postgres").path("command").toString()).contains("wal_level=logical");
    }

    @Test
    void shouldRestartEveryServiceUnlessStopped() throws Exception {
        compose().path("services").fields().forEachRemaining(s ->
                assertThat(s.getValue().path("restart").asText()).as("restart of " + s.getKey()).isEqualTo("unless-stopped"));
    }

    @Test
    void shouldServeTheMigratorToPrometheusAndScrapeItWithTheToken() throws Exception {
        JsonNode services = compose().path("services");
        assertThat(services.path("migrator").path("command").toString()).contains("\"--bind\",\"0.0.0.0\"",
                "\"--allowed-host\",\"migrator\"");
        assertThat(services.path("migrator").path("environment").has("SHARDSHIFT_API_TOKEN")).isTrue();
        assertThat(services.path("prometheus").path("secrets").toString()).contains("shardshift_api_token");
        assertThat(compose().path("secrets").path("shardshift_api_token").path("environment").asText())
                .isEqualTo("SHARDSHIFT_API_TOKEN");

        JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(repo().resolve("deploy/prometheus.yml").toFile());
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertThat(job.path("static_configs").get(0).path("targets").get(0).asText()).isEqualTo("migrator:8080");
        assertThat(job.path("authorization").path("type").asText()).isEqualTo("Bearer");
        assertThat(job.path("authorization").path("credentials_file").asText()).isEqualTo("/run/secrets/shardshift_api_token");
    }

    @Test
    void shouldRunTwoMigratorProcessesOfOneSpecWithTheirOwnIdStatePortAndRoles() throws Exception {
        JsonNode services = compose().path("services");
        JsonNode first = services.path("migrator");
        JsonNode second = services.path("migrator-2");
        assertThat(first.path("command").toString()).contains("\"--role\",\"all\"", "\"--instance-id\",\"migrator-1\"",
                "\"--spec\",\"/shardshift/deploy/spec.yaml\"");
        assertThat(second.path("command").toString()).contains("\"--role\",\"backfill,apply\"",
                "\"--instance-id\",\"migrator-2\"", "\"--spec\",\"/shardshift/deploy/spec.yaml\"",
                "\"--allowed-host\",\"migrator-2\"");
        assertThat(first.path("volumes").toString()).contains("migrator-state:/state", "maven-repo:/root/.m2");
        assertThat(second.path("volumes").toString()).contains("migrator-2-state:/state", "maven-repo:/root/.m2");
        assertThat(first.path("ports").get(0).asText()).isEqualTo("127.0.0.1:8080:8080");
        assertThat(second.path("ports").get(0).asText()).isEqualTo("127.0.0.1:8081:8080");
        assertThat(second.path("environment").has("SHARDSHIFT_API_TOKEN")).isTrue();
        assertThat(compose().path("volumes").has("migrator-2-state")).isTrue();
        JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(repo().resolve("deploy/prometheus.yml").toFile());
        assertThat(prometheus.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").toString())
                .contains("migrator-2:8080");
    }

    @Test
    void shouldNameEveryServiceTheReadmeMentions() throws Exception {
        Path readme = repo().resolve("README.md");
        assertThat(readme).as("README.md next to docker-compose.yml").isRegularFile();
        String text = Files.readString(readme);
        int start = text.indexOf(README_COMPOSE_SECTION);
        assertThat(start).as("section '%s' in README.md", README_COMPOSE_SECTION).isNotNegative();
        Matcher next = Pattern.compile("(?m)^#{1,3} ").matcher(text);
        String section = next.find(start + README_COMPOSE_SECTION.length()) ? text.substring(start, next.start()) : text.substring(start);
        List<String> names = new ArrayList<>();
        compose().path("services").fieldNames().forEachRemaining(names::add);

        assertThat(README_NAMES.keySet()).as("services of docker-compose.yml (each needs its words in README.md)")
                .containsExactlyInAnyOrderElementsOf(names);
        README_NAMES.forEach((service, words) ->
                assertThat(section).as("README.md's words for compose service %s", service).contains(words));
        Matcher quoted = Pattern.compile("`(kafka|zookeeper|solr|prometheus|grafana|migrator|[a-z]+-postgres(?:-[a-z])?)`")
                .matcher(text);
        while (quoted.find()) {
            assertThat(names).as("service %s named in README.md", quoted.group(1)).contains(quoted.group(1));
        }
    }

    @Test
    void shouldShipASpecTheLoaderAccepts() throws Exception {
        String yaml = Files.readString(repo().resolve("deploy/spec.yaml"));
        assertThat(SpecLoader.parse(yaml, Map.of("POSTGRES_PASSWORD", "x")).name()).isEqualTo("orders");
    }
}
