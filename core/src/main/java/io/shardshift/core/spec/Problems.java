package io.shardshift.core.spec;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of a spec, so that one {@link SpecException} can name them all. */
final class Problems {
    private final List<SpecException.Problem> found = new ArrayList<>();

    void add(String field, String problem) {
        found.add(new SpecException.Problem(field, problem));
    }

    void addAll(SpecException e) {
        found.addAll(e.problems());
    }

    /** Runs a check that throws {@link SpecException}, keeping its problems instead. */
    void check(Runnable check) {
        try {
            check.run();
        } catch (SpecException e) {
            addAll(e);
        }
    }

    /** Whether a problem was found in this field or under it (e.g. {@code tables} for {@code tables[1].name}). */
    boolean hasUnder(String path) {
        return found.stream().anyMatch(p -> p.field().equals(path) || p.field().startsWith(path + ".")
                || p.field().startsWith(path + "["));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    List<SpecException.Problem> list() {
        return List.copyOf(found);
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new SpecException(found);
        }
    }
}
