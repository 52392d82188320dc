package io.shardshift.cutover;

import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.DuplicateKeysException;
import io.shardshift.sink.pg.UniqueIndexes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The targets' unique indexes at a switch. While migrating they are non-unique stand-ins (see sink-pg
 * {@link UniqueIndexes}), since the forward stream applies changes of different keys in another order than the
 * source committed them. A cutover makes them unique after its drain, with writes frozen and every target at the
 * fence, so applications never write duplicates on the live new layout; when rows share a key that is refused with
 * every duplicated key named, and the cutover aborts. An aborted cutover and a rollback make them non-unique again,
 * since the forward stream then applies out of order again. Both are idempotent: run again they finish the job.
 */
final class UniqueIndexRestore {
    private static final Logger LOG = LoggerFactory.getLogger(UniqueIndexRestore.class);

    private UniqueIndexRestore() {
    }

    /**
     * Makes every target's unique indexes unique, one target after the other.
     *
     * @throws IllegalStateException naming, on one line, every key value that rows of a target share (every other
     *                               index was made unique; these stay non-unique)
     */
    static void enforce(List<TargetSpec> targets, List<TableSchema> tables) {
        List<String> duplicates = new ArrayList<>();
        for (TargetSpec target : targets) {
            try {
                UniqueIndexes.restore(target, tables);
            } catch (DuplicateKeysException e) {
                e.duplicates().forEach(d -> duplicates.add("target " + target.name() + ": " + d.describe()));
            }
        }
        if (!duplicates.isEmpty()) {
            LOG.error("unique indexes cannot be made unique: {}", duplicates);
            throw new IllegalStateException("unique indexes cannot be made unique because rows share a key: "
                    + String.join("; ", duplicates) + " (fix those rows on the targets, then cut over again)");
        }
    }

    /** True when any unique index of the tables is unique on any target. */
    static boolean anyUnique(List<TargetSpec> targets, List<TableSchema> tables) {
        long indexes = tables.stream().mapToLong(t -> t.indexes().stream().filter(IndexDef::unique).count()).sum();
        if (indexes == 0) {
            return false;
        }
        for (TargetSpec target : targets) {
            long pending = UniqueIndexes.pending(target, tables).values().stream().mapToLong(List::size).sum();
            if (pending < indexes) {
                return true;
            }
        }
        return false;
    }

    /** Makes every target's unique indexes non-unique stand-ins again; every target is tried, the first failure thrown. */
    static void relax(List<TargetSpec> targets, List<TableSchema> tables) {
        RuntimeException first = null;
        for (TargetSpec target : targets) {
            try {
                UniqueIndexes.relax(target, tables);
            } catch (RuntimeException e) {
                LOG.error("target {}: cannot make the unique indexes non-unique again: {}", target.name(), e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
