package io.shardshift.core.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the generated part of the README's spec section: the table of every spec key ({@link SpecDoc}),
 * between {@value #BEGIN} and {@value #END}; the prose around it is left as it is. {@code SpecDocWriterTest}
 * fails when the committed README differs from what this would write now.
 *
 * <p>Run from the repository root: {@value #REGENERATE_COMMAND}; or pass the README as the only argument.
 */
public final class SpecDocWriter {
    /** How to regenerate the section, from the repository root. */
    public static final String REGENERATE_COMMAND = "./mvnw -B -q -pl core compile exec:java";
    /** The file, relative to the repository root. */
    public static final String README = "README.md";
    /** The line before the generated section. */
    public static final String BEGIN = "<!-- spec:begin -->";
    /** The line after the generated section. */
    public static final String END = "<!-- spec:end -->";

    private SpecDocWriter() {
    }

    /** The generated section, markers included. */
    public static String section() {
        return BEGIN + "\n<!-- Generated from io.shardshift.core.spec.SpecKeys by SpecDocWriter; do not edit by hand."
                + "\n     Regenerate from the repository root with: " + REGENERATE_COMMAND + " -->\n\n"
                + SpecDoc.markdown() + "\n" + END;
    }

    /**
     * The README with its generated section replaced by the current one.
     *
     * @throws IllegalStateException when the README has no {@value #BEGIN} ... {@value #END} section
     */
    public static String updated(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(README + " has no section between " + BEGIN + " and " + END);
        }
        return readme.substring(0, begin) + section() + readme.substring(end + END.length());
    }

    /**
     * The repository root: the nearest directory, from {@code start} up, that holds the README and this module.
     *
     * @throws IllegalStateException when there is none
     */
    public static Path repositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(README)) && Files.isRegularFile(dir.resolve("core/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Shardshift repository root (a directory with " + README
                + " and core/pom.xml) at or above " + start.toAbsolutePath());
    }

    /**
     * Rewrites the README's generated section.
     *
     * @param args optionally the README; by default {@value #README} under the repository root found from the
     *             working directory
     */
    public static void main(String[] args) {
        Path file = args.length > 0 ? Path.of(args[0]) : repositoryRoot(Path.of("")).resolve(README);
        try {
            String readme = Files.readString(file, StandardCharsets.UTF_8);
            Files.writeString(file, updated(readme), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
        System.out.println("Wrote the spec section of " + file.toAbsolutePath());
    }
}
