package io.shardshift.topologydocs;

import org.apache.kafka.streams.TopologyDescription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Draws a {@link TopologyDescription} as a Mermaid flowchart: topics as parallelograms, each sub-topology
 * as a subgraph of its source, processor and sink nodes, state stores as cylinders joined to the
 * processors that use them by dotted lines. The output depends only on the description, so it is stable.
 */
final class MermaidFlowchart {
    private final List<String> lines = new ArrayList<>();
    private final Set<String> topics = new TreeSet<>();
    private final Set<String> stores = new TreeSet<>();
    private final Set<String> edges = new LinkedHashSet<>();

    private MermaidFlowchart() {
    }

    /** The flowchart's text, without the surrounding code fence. */
    static String of(TopologyDescription description) {
        return new MermaidFlowchart().draw(description);
    }

    private String draw(TopologyDescription description) {
        lines.add("flowchart LR");
        List<TopologyDescription.Subtopology> subs = new ArrayList<>(description.subtopologies());
        subs.sort(Comparator.comparingInt(TopologyDescription.Subtopology::id));
        for (TopologyDescription.Subtopology sub : subs) {
            lines.add("    subgraph sub" + sub.id() + "[\"Sub-topology " + sub.id() + "\"]");
            List<TopologyDescription.Node> nodes = new ArrayList<>(sub.nodes());
            nodes.sort(Comparator.comparingInt(MermaidFlowchart::rank).thenComparing(TopologyDescription.Node::name));
            nodes.forEach(this::node);
            lines.add("    end");
        }
        List<TopologyDescription.GlobalStore> globals = new ArrayList<>(description.globalStores());
        globals.sort(Comparator.comparingInt(TopologyDescription.GlobalStore::id));
        for (TopologyDescription.GlobalStore global : globals) {
            lines.add("    subgraph global" + global.id() + "[\"Global store " + global.id() + "\"]");
            node(global.source());
            node(global.processor());
            lines.add("    end");
        }
        for (String topic : topics) {
            lines.add("    " + id("topic", topic) + "[/\"" + label(topic) + "\"/]");
        }
        for (String store : stores) {
            lines.add("    " + id("store", store) + "[(\"" + label(store) + "\")]");
        }
        lines.addAll(edges);
        return String.join("\n", lines) + "\n";
    }

    private void node(TopologyDescription.Node node) {
        String id = id("node", node.name());
        if (node instanceof TopologyDescription.Source source) {
            lines.add("        " + id + "[\"" + label(node.name()) + "<br/><i>source</i>\"]");
            Set<String> in = source.topicSet() == null ? Set.of() : new TreeSet<>(source.topicSet());
            for (String topic : in) {
                topics.add(topic);
                edges.add("    " + id("topic", topic) + " --> " + id);
            }
            if (source.topicPattern() != null) {
                String pattern = "pattern " + source.topicPattern().pattern();
                topics.add(pattern);
                edges.add("    " + id("topic", pattern) + " --> " + id);
            }
        } else if (node instanceof TopologyDescription.Sink sink) {
            lines.add("        " + id + "[\"" + label(node.name()) + "<br/><i>sink</i>\"]");
            String topic = sink.topic() != null ? sink.topic() : "dynamic topics";
            topics.add(topic);
            edges.add("    " + id + " --> " + id("topic", topic));
        } else if (node instanceof TopologyDescription.Processor processor) {
            lines.add("        " + id + "[\"" + label(node.name()) + "<br/><i>processor</i>\"]");
            for (String store : new TreeSet<>(processor.stores())) {
                stores.add(store);
                edges.add("    " + id + " -.- " + id("store", store));
            }
        } else {
            lines.add("        " + id + "[\"" + label(node.name()) + "\"]");
        }
        List<TopologyDescription.Node> next = new ArrayList<>(node.successors());
        next.sort(Comparator.comparing(TopologyDescription.Node::name));
        for (TopologyDescription.Node successor : next) {
            edges.add("    " + id + " --> " + id("node", successor.name()));
        }
    }

    /** Sources first, then processors, then sinks, so the text reads in the direction of the flow. */
    private static int rank(TopologyDescription.Node node) {
        if (node instanceof TopologyDescription.Source) {
            return 0;
        }
        return node instanceof TopologyDescription.Sink ? 2 : 1;
    }

    private static String id(String kind, String name) {
        return kind + "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String label(String text) {
        return text.replace("\"", "#quot;");
    }
}
