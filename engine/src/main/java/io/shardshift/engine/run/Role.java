package io.shardshift.engine.run;

import io.shardshift.core.spec.SpecException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A part of a migration that a migrator process runs. Several {@code shardshift migrate} processes with the same
 * spec form one migration; {@code --role} places the work (the default, {@code all}, runs every part).
 */
public enum Role {
    /** Reads the source's WAL (the capture groups this process holds) into the change topics. */
    CAPTURE,
    /** Copies the tables' existing rows (the backfill chunks this process is given) to the targets. */
    BACKFILL,
    /** Applies the change topics to the targets (the Kafka Streams tasks this process is given). */
    APPLY;

    /**
     * Parses {@code all} or a comma list of {@code capture}, {@code backfill} and {@code apply}.
     *
     * @throws SpecException naming {@code --role} and every unknown word
     */
    public static Set<Role> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new SpecException("--role", "is empty: give all, or a comma list of capture, backfill and apply");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        List<String> unknown = new ArrayList<>();
        for (String word : text.split(",")) {
            String w = word.trim().toLowerCase(Locale.ROOT);
            if (w.equals("all")) {
                roles.addAll(EnumSet.allOf(Role.class));
                continue;
            }
            try {
                roles.add(Role.valueOf(w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                unknown.add(word.trim());
            }
        }
        if (!unknown.isEmpty() || roles.isEmpty()) {
            throw new SpecException("--role", "unknown role " + unknown
                    + ": give all, or a comma list of capture, backfill and apply (e.g. --role backfill,apply)");
        }
        return Set.copyOf(roles);
    }

    /** The role's name as the command line takes it. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
