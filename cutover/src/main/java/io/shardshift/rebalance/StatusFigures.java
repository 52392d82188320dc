package io.shardshift.rebalance;

import io.shardshift.engine.metrics.LagSampleJson;
import io.shardshift.engine.metrics.LagSample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of a rebalance's status from its latest {@link LagSample}, in the same shape as the
 * dashboard's status ({@link LagSampleJson}), so the dashboard can show any rebalance.
 */
final class StatusFigures {
    private StatusFigures() {
    }

    /** @param sample the latest sample, or {@code null} before the rebalance has started */
    static Map<String, Object> of(LagSample sample, String sampleError) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sampleError", sampleError);
        out.putAll(LagSampleJson.figures(sample == null ? LagSample.empty(0) : sample));
        return out;
    }
}
