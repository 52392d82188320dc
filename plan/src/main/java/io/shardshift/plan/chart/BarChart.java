package io.shardshift.plan.chart;

import io.shardshift.plan.Load;
import io.shardshift.plan.LayoutProposal;
import io.shardshift.plan.LoadWeight;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The data of a before/after bar chart of load per target. Its JSON form (Jackson) is what the dashboard
 * draws:
 *
 * <pre>{@code
 * {"title":"writes per second per target","unit":"writes/s",
 *  "bars":[{"label":"pg_a","before":120.0,"after":40.5}, ...]}
 * }</pre>
 *
 * @param title the chart's title
 * @param unit  the unit of the values
 * @param bars  one bar pair per target
 */
public record BarChart(String title, String unit, List<Bar> bars) {

    /**
     * One target's value before and after.
     *
     * @param label  the target
     * @param before the value in the current layout
     * @param after  the value in the proposed layout
     */
    public record Bar(String label, double before, double after) {
    }

    public BarChart {
        bars = List.copyOf(bars);
    }

    /**
     * The chart of one dimension of a proposal over every target, before and after.
     *
     * @param dimension {@link LayoutProposal#LOAD} (percent of the weighted load), {@link LayoutProposal#ROWS},
     *                  {@link LayoutProposal#BYTES} (MiB) or {@link LayoutProposal#WRITES}
     */
    public static BarChart of(LayoutProposal proposal, String dimension, LoadWeight weight) {
        Set<String> targets = new LinkedHashSet<>(proposal.loadBefore().keySet());
        targets.addAll(proposal.loadAfter().keySet());
        Load total = proposal.loadBefore().values().stream().reduce(Load.ZERO, Load::plus);
        List<Bar> bars = new ArrayList<>();
        for (String t : targets) {
            bars.add(new Bar(t, value(proposal.loadBefore().getOrDefault(t, Load.ZERO), dimension, weight, total),
                    value(proposal.loadAfter().getOrDefault(t, Load.ZERO), dimension, weight, total)));
        }
        return switch (dimension) {
            case LayoutProposal.LOAD -> new BarChart("share of the load per target (" + weight.name().toLowerCase()
                    + ")", "%", bars);
            case LayoutProposal.ROWS -> new BarChart("rows per target", "rows", bars);
            case LayoutProposal.BYTES -> new BarChart("size per target", "MiB", bars);
            case LayoutProposal.WRITES -> new BarChart("writes per second per target", "writes/s", bars);
            default -> throw new IllegalArgumentException("no chart for dimension '" + dimension + "'");
        };
    }

    private static double value(Load load, String dimension, LoadWeight weight, Load total) {
        return switch (dimension) {
            case LayoutProposal.LOAD -> 100 * weight.share(load, total);
            case LayoutProposal.ROWS -> load.rows();
            case LayoutProposal.BYTES -> load.bytes() / (1024.0 * 1024.0);
            case LayoutProposal.WRITES -> load.writesPerSec();
            default -> throw new IllegalArgumentException("no chart for dimension '" + dimension + "'");
        };
    }

    /** The largest value, before or after. */
    public double maxValue() {
        return bars.stream().mapToDouble(b -> Math.max(b.before(), b.after())).max().orElse(0);
    }
}
