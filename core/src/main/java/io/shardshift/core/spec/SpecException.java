package io.shardshift.core.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A migration spec is invalid. Thrown before anything starts. It carries every problem found, each with the
 * path of its field (e.g. {@code layout.buckets}) or a table's name, and what to fix. Credentials in a
 * problem's text (a JDBC URL's {@code password=} or {@code user:password@}) are masked.
 *
 * <p>With one problem the message is {@code <field>: <problem>}, e.g.
 * {@code kafka.partitions: must be between 1 and 1024, was 0}. With several it lists one per line:
 *
 * <pre>{@code
 * 2 problems:
 *   name: 'Orders' must match [a-z][a-z0-9_]* (at most 40 characters); it names the replication slot and the topics
 *   kafka.partitions: must be between 1 and 1024, was 0
 * }</pre>
 */
public class SpecException extends RuntimeException {
    private final List<Problem> problems;

    public SpecException(String field, String problem) {
        this(List.of(new Problem(field, problem)), null);
    }

    public SpecException(String field, String problem, Throwable cause) {
        this(List.of(new Problem(field, problem)), cause);
    }

    /**
     * All the problems of a spec at once.
     *
     * @param problems at least one, in spec order
     */
    public SpecException(List<Problem> problems) {
        this(problems, null);
    }

    private SpecException(List<Problem> problems, Throwable cause) {
        super(message(problems), cause);
        this.problems = List.copyOf(problems);
    }

    private static String message(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size() + " problems:\n" + problems.stream().map(p -> "  " + p)
                .collect(Collectors.joining("\n"));
    }

    /** The path of the (first) offending field, e.g. {@code targets[1].jdbcUrl}, or a table name. */
    public String field() {
        return problems.get(0).field();
    }

    /** Every problem, in spec order; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * One problem of a spec.
     *
     * @param field   the path of the field, e.g. {@code search[0].shards}
     * @param problem what is wrong and what to write instead
     */
    public record Problem(String field, String problem) implements Serializable {
        public Problem {
            Objects.requireNonNull(field, "field");
            problem = Secrets.maskCredentials(Objects.requireNonNull(problem, "problem"));
        }

        /** {@code <field>: <problem>}. */
        @Override
        public String toString() {
            return field + ": " + problem;
        }
    }
}
