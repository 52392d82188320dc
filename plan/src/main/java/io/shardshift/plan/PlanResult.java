package io.shardshift.plan;

import io.shardshift.plan.gather.KafkaLoad;
import io.shardshift.plan.gather.PostgresLoad;
import io.shardshift.plan.gather.SolrLoad;
import io.shardshift.plan.report.SkewReport;

/**
 * What {@code shardshift plan} found and proposes.
 *
 * @param postgres the source's measured load
 * @param kafka    the change topics' load, or null when not measured
 * @param solr     the Solr collection's load, or null when not measured
 * @param report   the skew report against the thresholds
 * @param proposal the proposed layout and its impact
 */
public record PlanResult(PostgresLoad postgres, KafkaLoad kafka, SolrLoad solr, SkewReport report,
                         LayoutProposal proposal) {

    /** Whether a threshold was crossed or the proposal cannot fix the skew by moving buckets. */
    public boolean hasProblems() {
        return !report.findings().isEmpty() || proposal.verdict() == Verdict.NEEDS_SPLIT;
    }
}
