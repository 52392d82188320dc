package io.shardshift.migrator.cli.plan;

import io.shardshift.plan.BucketMove;
import io.shardshift.plan.HotTenantMove;
import io.shardshift.plan.LayoutProposal;
import io.shardshift.plan.LayoutYaml;
import io.shardshift.plan.PlanResult;
import io.shardshift.plan.Skew;
import io.shardshift.plan.Units;
import io.shardshift.plan.report.Finding;
import io.shardshift.plan.report.SkewReport;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a plan for people: the skew report, the proposal with its impact, and the layout YAML. */
public final class PlanPrinter {
    private static final int MAX_MOVES_SHOWN = 40;

    private PlanPrinter() {
    }

    public static void print(PlanResult result, PrintWriter out) {
        SkewReport report = result.report();
        out.printf(Locale.ROOT, "Load (window %d s, %d table(s)):%n", result.postgres().window().toSeconds(),
                result.postgres().tables().size());
        out.printf(Locale.ROOT, "  %-20s %9s  %s%n", "dimension", "max/mean", "per shard");
        for (Skew s : report.dimensions()) {
            out.printf(Locale.ROOT, "  %-20s %9s  %s%n", s.dimension(), Units.ratio(s.ratio()), values(s.values()));
        }
        report.notes().forEach(n -> out.println("  note: " + n));
        out.println();
        if (report.findings().isEmpty()) {
            out.println("Findings: none; every threshold holds");
        } else {
            out.println("Findings (" + report.findings().size() + "):");
            for (Finding f : report.findings()) {
                out.println("  [" + f.signal() + "] " + f.message());
            }
        }
        out.println();
        LayoutProposal p = result.proposal();
        out.println("Proposal: " + p.verdict());
        p.explanation().forEach(l -> out.println("  " + l));
        for (HotTenantMove h : p.hotTenants()) {
            out.printf(Locale.ROOT, "  tenant '%s': %s -> %s%s, %d rows, %s%n", h.tenant(), h.from(), h.to(),
                    h.newTarget() ? " (new)" : "", h.rows(), Units.bytes(h.bytes()));
        }
        List<BucketMove> moves = p.moves();
        for (int i = 0; i < Math.min(moves.size(), MAX_MOVES_SHOWN); i++) {
            BucketMove m = moves.get(i);
            out.printf(Locale.ROOT, "  bucket %d: %s -> %s, %d rows, %s, %s writes/s%n", m.bucket(), m.from(), m.to(),
                    m.rows(), Units.bytes(m.bytes()), Units.number(m.writesPerSec()));
        }
        if (moves.size() > MAX_MOVES_SHOWN) {
            out.println("  ... and " + (moves.size() - MAX_MOVES_SHOWN) + " more bucket moves");
        }
        out.printf(Locale.ROOT, "  moves carry %d rows, %s in all%n", p.movedRows(), Units.bytes(p.movedBytes()));
        out.println("  skew before -> after (bucket targets):");
        for (Skew before : p.skewBefore()) {
            Skew after = p.skewAfter(before.dimension());
            out.printf(Locale.ROOT, "    %-14s %8s -> %s%n", before.dimension(), Units.ratio(before.ratio()),
                    Units.ratio(after.ratio()));
        }
        if (!p.newTargets().isEmpty()) {
            out.println("  add these targets to the spec's 'targets' before using the layout: "
                    + String.join(", ", p.newTargets()));
        }
        out.println();
        out.print(LayoutYaml.toYaml(p.layout()));
        out.flush();
    }

    private static String values(Map<String, Double> values) {
        String text = values.entrySet().stream().limit(8).map(e -> e.getKey() + "=" + Units.number(e.getValue()))
                .collect(Collectors.joining(" "));
        return values.size() > 8 ? text + " ... (" + values.size() + ")" : text;
    }
}
