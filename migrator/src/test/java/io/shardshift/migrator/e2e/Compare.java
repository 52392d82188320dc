package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoStack;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.RowCompare;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compares the demo source table with both demo targets. */
final class Compare {
    private Compare() {
    }

    static CompareReport orders(DemoStack stack, MigrationSpec spec, TableSchema table) throws Exception {
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            targets.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
            targets.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
            return RowCompare.compare(src, targets, table, spec.shardKeyOf(table.id()), spec.routing());
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }
}
