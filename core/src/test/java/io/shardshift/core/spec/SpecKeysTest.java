package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalogue of spec keys documents every field of the spec records, with the defaults they use. */
class SpecKeysTest {

    @Test
    void shouldHaveAnEntryForEveryFieldOfTheSpecRecords() {
        List<String> fields = new ArrayList<>();
        walk(MigrationSpec.class, "", fields);

        assertThat(fields).as("record fields without a SpecKeys entry")
                .allSatisfy(path -> assertThat(SpecKeys.find(path)).as(path).isPresent());
        assertThat(SpecKeys.all()).extracting(SpecKey::path).as("SpecKeys entries that are no record field")
                .containsExactlyInAnyOrderElementsOf(fields);
    }

    @Test
    void shouldDocumentTheDefaultsTheSpecUses() {
        String yaml = SpecLoaderTest.VALID + SpecLoaderTest.SEARCH + "cutover: {slo: {}}\n";
        Map<String, String> effective = EffectiveConfig.entries(SpecLoader.parse(yaml, SpecLoaderTest.ENV), Map.of());
        List<String> checked = new ArrayList<>();

        for (SpecKey key : SpecKeys.all()) {
            String concrete = key.path().replace("[]", "[0]");
            String dflt = key.defaultValue();
            boolean derived = dflt == null || dflt.contains(" ") || dflt.equals("layout.shardKey");
            if (derived || !effective.containsKey(concrete) || isGivenInTheSample(concrete)) {
                continue;
            }
            assertThat(effective.get(concrete)).as(key.path()).isEqualTo(dflt.replace("<name>", "demo"));
            checked.add(key.path());
        }

        assertThat(checked).contains("source.slotName", "kafka.topicPrefix", "apply.chunkRows", "search[].shards", "search[].commitWithinMs",
                "cutover.stableFor", "cutover.observationWindow", "cutover.verify", "cutover.slo.maxP95Millis",
                "cutover.slo.maxErrorRate", "targets[].type");
    }

    @Test
    void shouldMarkTheKeysJacksonRequiresAsRequired() {
        assertThat(SpecKeys.find("source.jdbcUrl")).get().extracting(SpecKey::required).isEqualTo(true);
        assertThat(SpecKeys.find("cutover.stableFor")).get().satisfies(k -> {
            assertThat(k.required()).isFalse();
            assertThat(k.defaultValue()).isEqualTo("5s");
        });
    }

    private static boolean isGivenInTheSample(String path) {
        return List.of("kafka.partitions", "layout.generation", "layout.buckets", "tables[0].shardKey")
                .contains(path);
    }

    private static void walk(Class<?> record, String prefix, List<String> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String path = prefix + c.getName();
            out.add(path);
            if (c.getType().isRecord()) {
                walk(c.getType(), path + ".", out);
            } else if (List.class.isAssignableFrom(c.getType())) {
                Type element = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                if (element instanceof Class<?> cls && cls.isRecord()) {
                    walk(cls, path + "[].", out);
                }
            }
        }
    }
}
