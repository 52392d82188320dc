package io.shardshift.topologydocs;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the generated part of {@code docs/architecture.md}, between {@value #BEGIN} and {@value #END}: the
 * modules of the parent pom, each with its pom's description, and a Mermaid graph of their non-test
 * dependencies on each other, read from each module's {@code pom.xml}. The rest of the file is written by
 * hand. {@code ArchitectureDocsTest} fails when the generated part is stale.
 *
 * <p>Uses the JDK only, so it runs from the repository root without a build: {@value #REGENERATE_COMMAND}.
 */
public final class ArchitectureDocs {
    /** How to regenerate the file, from the repository root. */
    public static final String REGENERATE_COMMAND =
            "java topology-docs/src/main/java/io/shardshift/topologydocs/ArchitectureDocs.java";
    /** Where the file lives, relative to the repository root. */
    public static final String DOCS_FILE = "docs/architecture.md";
    /** The line before the generated part. */
    public static final String BEGIN = "<!-- modules:begin -->";
    /** The line after the generated part. */
    public static final String END = "<!-- modules:end -->";

    private static final String GROUP = "io.shardshift";

    /**
     * One module of the build.
     *
     * @param dir          its directory under the repository root
     * @param artifactId   its artifactId
     * @param description  its pom's description
     * @param testHarness  whether its pom sets {@code shardshift.testHarness} (test and demo code)
     * @param dependencies the artifactIds of the Shardshift modules it depends on outside test scope
     */
    public record Module(String dir, String artifactId, String description, boolean testHarness,
                         List<String> dependencies) {
    }

    private ArchitectureDocs() {
    }

    /** The modules listed in the root pom, in its order. */
    public static List<Module> modules(Path root) {
        Element parent = read(root.resolve("pom.xml"));
        List<Module> out = new ArrayList<>();
        for (Element m : children(child(parent, "modules"), "module")) {
            String dir = m.getTextContent().trim();
            Element pom = read(root.resolve(dir).resolve("pom.xml"));
            List<String> deps = new ArrayList<>();
            for (Element d : children(child(pom, "dependencies"), "dependency")) {
                String scope = text(d, "scope");
                String type = text(d, "type");
                if (GROUP.equals(text(d, "groupId")) && !"test".equals(scope) && !"test-jar".equals(type)) {
                    deps.add(text(d, "artifactId"));
                }
            }
            out.add(new Module(dir, text(pom, "artifactId"), text(pom, "description").replaceAll("\\s+", " ").trim(),
                    "true".equals(text(child(pom, "properties"), "shardshift.testHarness")), deps));
        }
        return out;
    }

    /** The generated part, markers included. */
    public static String render(List<Module> modules) {
        Map<String, Module> byArtifact = new LinkedHashMap<>();
        modules.forEach(m -> byArtifact.put(m.artifactId(), m));
        StringBuilder sb = new StringBuilder(BEGIN).append('\n');
        sb.append("<!-- Generated from the poms by io.shardshift.topologydocs.ArchitectureDocs; do not edit by hand.\n")
                .append("     Regenerate from the repository root with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        sb.append("| module | artifactId | what it owns |\n|---|---|---|\n");
        for (Module m : modules) {
            sb.append("| `").append(m.dir()).append("` | ").append(m.artifactId()).append(" | ")
                    .append(m.description().replace("|", "\\|")).append(m.testHarness() ? " *(test and demo code)*" : "")
                    .append(" |\n");
        }
        sb.append("\nAn arrow points from a module to one it depends on (compile or runtime scope; test-scope"
                + " dependencies are left out). Dashed: test and demo code, never a product dependency outside test"
                + " scope.\n\n```mermaid\nflowchart TD\n");
        for (Module m : modules) {
            sb.append("    ").append(id(m.dir())).append("[\"").append(m.dir()).append("\"]\n");
        }
        for (Module m : modules) {
            for (String dep : m.dependencies()) {
                Module to = byArtifact.get(dep);
                if (to == null) {
                    throw new IllegalStateException(m.dir() + " depends on " + dep + ", which is not a module of the build");
                }
                sb.append("    ").append(id(m.dir())).append(" --> ").append(id(to.dir())).append('\n');
            }
        }
        List<String> harness = modules.stream().filter(Module::testHarness).map(m -> id(m.dir())).toList();
        if (!harness.isEmpty()) {
            sb.append("    classDef harness stroke-dasharray: 5 5\n")
                    .append("    class ").append(String.join(",", harness)).append(" harness\n");
        }
        return sb.append("```\n").append(END).toString();
    }

    /**
     * The document with its generated part replaced.
     *
     * @throws IllegalStateException when the document lacks the markers
     */
    public static String update(String document, String generated) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(DOCS_FILE + " must contain the lines " + BEGIN + " and " + END
                    + ", in that order");
        }
        return document.substring(0, begin) + generated + document.substring(end + END.length());
    }

    /**
     * The repository root: the nearest directory, from {@code start} up, with a pom.xml and topology-docs/.
     *
     * @throws IllegalStateException when there is none
     */
    public static Path repositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("topology-docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Shardshift repository root at or above " + start.toAbsolutePath());
    }

    /** Updates the generated part of {@value #DOCS_FILE} under the repository root found from the working directory. */
    public static void main(String[] args) {
        Path root = repositoryRoot(Path.of(""));
        Path file = root.resolve(DOCS_FILE);
        try {
            String doc = Files.readString(file, StandardCharsets.UTF_8);
            Files.writeString(file, update(doc, render(modules(root))), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
        System.out.println("Updated " + file);
    }

    private static String id(String dir) {
        return dir.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static Element read(Path pom) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(pom.toFile());
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
