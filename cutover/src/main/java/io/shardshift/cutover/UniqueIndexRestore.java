package io.shardshift.cutover;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.sink.pg.DuplicateKeysException;
import io.shardshift.sink.pg.UniqueIndexes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the targets' unique indexes unique again once a cutover is final (its observation window ended, so
 * no rollback will make the forward stream apply out-of-order changes to them again). While migrating they
 * are non-unique stand-ins (see sink-pg {@link UniqueIndexes}). Runs in the background, one target after the
 * other, since a concurrent index build takes as long as the table is big; each outcome goes to the audit
 * trail: {@code unique-indexes-restored}, or {@code unique-indexes-blocked} naming the duplicated keys to fix
 * (then run it again: it resumes).
 */
final class UniqueIndexRestore {
    private static final Logger LOG = LoggerFactory.getLogger(UniqueIndexRestore.class);

    private UniqueIndexRestore() {
    }

    static Thread startAfterObservation(List<TargetSpec> targets, List<TableSchema> tables, AuditTrail audit, long generation) {
        Thread t = new Thread(() -> restore(targets, tables, audit, generation), "shardshift-unique-indexes");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void restore(List<TargetSpec> targets, List<TableSchema> tables, AuditTrail audit, long generation) {
        for (TargetSpec target : targets) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("id", "unique-indexes-" + generation);
            details.put("target", target.name());
            try {
                UniqueIndexes.restore(target, tables);
                audit.append("cutover", "unique-indexes-restored", details);
            } catch (DuplicateKeysException e) {
                details.put("duplicates", e.getMessage());
                LOG.warn("target {}: unique indexes stay non-unique until these duplicates are fixed: {}", target.name(), e.getMessage());
                audit.append("cutover", "unique-indexes-blocked", details);
            } catch (RuntimeException e) {
                details.put("error", e.getMessage());
                LOG.warn("target {}: cannot restore unique indexes: {}", target.name(), e.getMessage());
                audit.append("cutover", "unique-indexes-blocked", details);
            }
        }
    }
}
