package io.shardshift.plan;

import io.shardshift.plan.report.Thresholds;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link PlanRunner} measures and plans.
 *
 * @param window         how long writes, offsets and query counters are watched
 * @param measureKafka   whether to read the change topics (a failure to reach Kafka becomes a note)
 * @param solrUrl        a Solr node's base URL, or null to skip Solr
 * @param solrCollection the Solr collection, or null to skip Solr
 * @param extraTargets   targets that may receive load besides the current layout's
 * @param capacities     limits per target
 * @param options        planner tuning
 * @param thresholds     the report's thresholds
 */
public record PlanSettings(Duration window, boolean measureKafka, String solrUrl, String solrCollection,
                           List<String> extraTargets, Map<String, TargetCapacity> capacities, PlanOptions options,
                           Thresholds thresholds) {

    public PlanSettings {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("sample window must not be negative, was " + window);
        }
        if ((solrUrl == null) != (solrCollection == null)) {
            throw new IllegalArgumentException("give both the Solr URL and the Solr collection, or neither");
        }
        extraTargets = List.copyOf(extraTargets == null ? List.of() : extraTargets);
        capacities = Map.copyOf(capacities == null ? Map.of() : capacities);
        options = options == null ? PlanOptions.defaults() : options;
        thresholds = thresholds == null ? Thresholds.defaults() : thresholds;
    }

    /** A 10-second window, Kafka measured, no Solr, default options and thresholds. */
    public static PlanSettings defaults() {
        return new PlanSettings(Duration.ofSeconds(10), true, null, null, List.of(), Map.of(), null, null);
    }

    public PlanSettings withWindow(Duration value) {
        return new PlanSettings(value, measureKafka, solrUrl, solrCollection, extraTargets, capacities, options, thresholds);
    }

    public PlanSettings withKafka(boolean value) {
        return new PlanSettings(window, value, solrUrl, solrCollection, extraTargets, capacities, options, thresholds);
    }

    public PlanSettings withSolr(String url, String collection) {
        return new PlanSettings(window, measureKafka, url, collection, extraTargets, capacities, options, thresholds);
    }

    public PlanSettings withExtraTargets(List<String> value) {
        return new PlanSettings(window, measureKafka, solrUrl, solrCollection, value, capacities, options, thresholds);
    }

    public PlanSettings withCapacities(Map<String, TargetCapacity> value) {
        return new PlanSettings(window, measureKafka, solrUrl, solrCollection, extraTargets, value, options, thresholds);
    }

    public PlanSettings withOptions(PlanOptions value) {
        return new PlanSettings(window, measureKafka, solrUrl, solrCollection, extraTargets, capacities, value, thresholds);
    }

    public PlanSettings withThresholds(Thresholds value) {
        return new PlanSettings(window, measureKafka, solrUrl, solrCollection, extraTargets, capacities, options, value);
    }
}
