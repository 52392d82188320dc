package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The partitions of each migrated table as the last run saw them, kept in the state directory
 * ({@value #FILE}), so a run started after the migrator was stopped sees the partitions attached, detached or
 * dropped meanwhile (rows that moved without row changes).
 */
final class PartitionBaseline {
    static final String FILE = "partitions.properties";
    /** Separates partition names; PostgreSQL names never contain NUL. */
    private static final String SEPARATOR = "\u0000";

    private final Path file;

    PartitionBaseline(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    /** The partitions kept for the table, empty when none were kept (a first run). */
    synchronized Optional<List<String>> read(TableId table) {
        String value = load().getProperty(table.toString());
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(value.isEmpty() ? List.of() : Arrays.asList(value.split(SEPARATOR, -1)));
    }

    /** Keeps the table's partitions (written to a new file, then moved over the old one). */
    synchronized void write(TableId table, List<String> partitions) {
        Properties p = load();
        String value = String.join(SEPARATOR, partitions);
        if (value.equals(p.getProperty(table.toString()))) {
            return;
        }
        p.setProperty(table.toString(), value);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "partitions", ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "partitions of the migrated tables, as the migrator last saw them");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the partitions of " + table + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private Properties load() {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }
}
