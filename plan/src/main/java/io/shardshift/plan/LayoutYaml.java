package io.shardshift.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.spec.LayoutSpec;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Layout} as the {@code layout:} section of a migration spec, with each target's buckets as
 * ranges:
 *
 * <pre>{@code
 * layout:
 *   generation: 2
 *   shardKey: "tenant_id"
 *   buckets: 64
 *   bucketMap:
 *     pg_a: "0-15,32-40"
 *     pg_b: "16-31,41-63"
 *   hotTenants:
 *     acme: "pg_hot_1"
 * }</pre>
 */
public final class LayoutYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private LayoutYaml() {
    }

    /** The layout as a spec section: bucket ranges per target, hot tenants if any. */
    public static LayoutSpec toSpec(Layout layout) {
        Map<String, List<int[]>> ranges = new LinkedHashMap<>();
        List<String> targets = layout.bucketTargets();
        int start = 0;
        for (int b = 1; b <= targets.size(); b++) {
            if (b == targets.size() || !targets.get(b).equals(targets.get(start))) {
                ranges.computeIfAbsent(targets.get(start), k -> new ArrayList<>()).add(new int[] {start, b - 1});
                start = b;
            }
        }
        Map<String, String> bucketMap = new LinkedHashMap<>();
        ranges.forEach((target, list) -> bucketMap.put(target, String.join(",",
                list.stream().map(r -> r[0] == r[1] ? String.valueOf(r[0]) : r[0] + "-" + r[1]).toList())));
        return new LayoutSpec(layout.generation(), layout.shardKey(), layout.buckets(), null, bucketMap,
                layout.hotTenants().isEmpty() ? null : new LinkedHashMap<>(layout.hotTenants()));
    }

    /** The YAML text of the spec section, starting with {@code layout:}. */
    public static String toYaml(Layout layout) {
        try {
            return YAML.writeValueAsString(Map.of("layout", toSpec(layout)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the layout as YAML", e);
        }
    }
}
