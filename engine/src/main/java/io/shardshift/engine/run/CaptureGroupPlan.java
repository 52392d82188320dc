package io.shardshift.engine.run;

import io.shardshift.cdc.CaptureGroupSplit;
import io.shardshift.cdc.TableSizes;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Decides which capture group captures each table, once per migration: the first run splits the spec's tables
 * by on-disk size ({@link CaptureGroupSplit#plan}) and records the split in the state topic under
 * {@value #KEY}; every later run (a restart, another migrator process) reads it back, so a table never moves
 * between groups while the migration runs. Tables added to the spec later join the emptiest group and are
 * recorded too. A spec whose {@code capture.groups} differs from the recorded split is refused: its slots
 * already hold the old split's positions.
 */
final class CaptureGroupPlan {
    /** The state topic key of the split. */
    static final String KEY = "capture/groups";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureGroupPlan.class);

    private CaptureGroupPlan() {
    }

    /**
     * The recorded split for the spec's tables, made and recorded now if there is none.
     *
     * @throws SpecException naming {@code capture.groups} when it differs from the recorded split
     */
    static CaptureGroupSplit load(MigrationSpec spec, StateTopic state) {
        List<TableId> tables = spec.tableIds();
        String text = state.readAll().get(KEY);
        if (text == null) {
            CaptureGroupSplit split;
            try {
                split = CaptureGroupSplit.plan(spec.captureGroups(), tables, spec.captureGroups() == 1 ? Map.of() : sizes(spec, tables));
            } catch (IllegalArgumentException e) {
                throw new SpecException("capture.groups", e.getMessage(), e);
            }
            state.put(KEY, split.toJson());
            LOG.info("capture groups of migration {}: {}", spec.name(), describe(spec, split));
            return split;
        }
        CaptureGroupSplit recorded = CaptureGroupSplit.fromJson(text);
        if (recorded.groups() != spec.captureGroups()) {
            throw new SpecException("capture.groups", "is " + spec.captureGroups() + " but migration " + spec.name()
                    + " runs with " + recorded.groups() + " capture group(s) (recorded in " + spec.topicPrefix()
                    + ".state), whose slots hold its positions; set capture.groups: " + recorded.groups()
                    + ", or finish the migration and start it again to change it");
        }
        boolean complete = recorded.groupOf().keySet().containsAll(tables);
        CaptureGroupSplit split = recorded.extend(tables, complete ? Map.of() : sizes(spec, tables));
        for (int g = 0; g < split.groups(); g++) {
            if (split.tables(g).isEmpty()) {
                throw new SpecException("tables", "capture group " + g + " (slot " + spec.slotName(g) + ") has no table"
                        + " of the spec left (it had " + recorded.tables(g) + "); a group cannot be emptied while the"
                        + " migration runs: keep its tables, or finish the migration and start it again");
            }
        }
        if (!complete) {
            state.put(KEY, split.toJson());
            LOG.info("capture groups of migration {} with its new tables: {}", spec.name(), describe(spec, split));
        }
        return split;
    }

    /** The groups as text for a log line: each group's slot and tables. */
    static String describe(MigrationSpec spec, CaptureGroupSplit split) {
        StringBuilder out = new StringBuilder();
        for (int g = 0; g < split.groups(); g++) {
            out.append(g == 0 ? "" : "; ").append("group ").append(g).append(" (slot ").append(spec.slotName(g))
                    .append("): ").append(split.tables(g));
        }
        return out.toString();
    }

    private static Map<TableId, Long> sizes(MigrationSpec spec, List<TableId> tables) {
        try {
            return TableSizes.read(spec, tables);
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "cannot read the tables' sizes for the capture groups: "
                    + e.getMessage(), e);
        }
    }
}
