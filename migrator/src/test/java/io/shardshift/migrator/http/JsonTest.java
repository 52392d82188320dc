package io.shardshift.migrator.http;

import io.shardshift.cutover.CutoverController;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    @Test
    void shouldWriteTheObservationWindowsEndAsIsoText() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observation", new CutoverController.ObservationStatus(true, Instant.parse("2026-12-06T23:30:00Z"),
                12, null));

        String json = new String(Json.write(status), StandardCharsets.UTF_8);

        assertThat(json).contains("\"windowEnd\":\"2026-12-06T23:30:00Z\"").contains("\"reverseLag\":12");
    }
}
