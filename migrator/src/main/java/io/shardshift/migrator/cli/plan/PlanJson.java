package io.shardshift.migrator.cli.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardshift.plan.LayoutProposal;
import io.shardshift.plan.LayoutYaml;
import io.shardshift.plan.PlanResult;
import io.shardshift.plan.chart.BarChart;

import java.io.UncheckedIOException;

/**
 * The JSON form of a plan, for scripts and the dashboard:
 * {@code {"report": {...}, "proposal": {..., "layout": {bucketMap...}}, "chart": {...}}}.
 */
public final class PlanJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJson() {
    }

    /** The plan as a JSON tree. */
    public static ObjectNode toTree(PlanResult result, BarChart chart) {
        ObjectNode root = JSON.createObjectNode();
        root.set("report", JSON.valueToTree(result.report()));
        LayoutProposal p = result.proposal();
        ObjectNode proposal = root.putObject("proposal");
        proposal.put("verdict", p.verdict().name());
        proposal.set("explanation", JSON.valueToTree(p.explanation()));
        proposal.set("layout", JSON.valueToTree(LayoutYaml.toSpec(p.layout())));
        proposal.set("newTargets", JSON.valueToTree(p.newTargets()));
        proposal.set("hotTenants", JSON.valueToTree(p.hotTenants()));
        proposal.set("moves", JSON.valueToTree(p.moves()));
        proposal.put("movedRows", p.movedRows());
        proposal.put("movedBytes", p.movedBytes());
        proposal.set("loadBefore", JSON.valueToTree(p.loadBefore()));
        proposal.set("loadAfter", JSON.valueToTree(p.loadAfter()));
        proposal.set("skewBefore", JSON.valueToTree(p.skewBefore()));
        proposal.set("skewAfter", JSON.valueToTree(p.skewAfter()));
        root.set("chart", JSON.valueToTree(chart));
        return root;
    }

    /** The plan as indented JSON text. */
    public static String toJson(PlanResult result, BarChart chart) {
        try {
            return JSON.writeValueAsString(toTree(result, chart));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the plan as JSON", e);
        }
    }
}
