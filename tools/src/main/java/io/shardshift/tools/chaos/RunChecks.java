package io.shardshift.tools.chaos;

import io.shardshift.audit.AuditVerifier;
import io.shardshift.cdc.SourceCatalog;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.cutover.DeadLetterCount;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.testkit.AckedWrites;
import io.shardshift.testkit.FollowingWriteLoad;
import io.shardshift.testkit.RowCompare;
import io.shardshift.testkit.SearchCompare;
import io.shardshift.verify.Verifier;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks after a chaos run, once the writers stopped and the migrator drained: what a user checks. Every
 * source row equals its target row and its document (an independent full compare, retried while reverse
 * replication or a search commit catches up, then {@code verify}); every acknowledged write is present once, with
 * its last value, where the live layout puts it; the dead-letter topic holds no letter; the audit chain verifies.
 */
final class RunChecks {
    /** What the checks found. */
    record Found(long acked, long lost, long duplicated, long mismatches, List<String> problems) {
    }

    private final ChaosStack stack;
    private final MigrationSpec spec;
    private final String db;
    private final Duration settle;

    RunChecks(ChaosStack stack, MigrationSpec spec, String db, Duration settle) {
        this.stack = stack;
        this.spec = spec;
        this.db = db;
        this.settle = settle;
    }

    /**
     * @param liveGeneration 1 when the source is live (no cutover, or rolled back), 2 after a cutover
     */
    Found run(FollowingWriteLoad load, long liveGeneration, Path auditLog) throws Exception {
        List<String> problems = new ArrayList<>();
        long mismatches = 0;
        TableSchema table;
        try (Connection src = stack.source().connect(db)) {
            table = new SourceCatalog(src).read(TableId.parse("public.orders"));
        }
        CompareReport rows = settled(() -> compareRows(table));
        if (!rows.clean()) {
            problems.add("row compare: " + rows);
            mismatches += rows.mismatchCount();
        }
        SolrTargetConfig search = SolrTargetConfig.from(spec.searchTargets().get(0), spec.shardKeyOf(table.id()));
        CompareReport docs = settled(() -> compareDocuments(search, table));
        if (!docs.clean()) {
            problems.add("document compare: " + docs);
            mismatches += docs.mismatchCount();
        }
        try (Verifier verifier = Verifier.standalone(spec)) {
            VerifyReport report = verifier.verify(VerifyOptions.defaults());
            if (!report.clean()) {
                problems.add("verify: " + report.toText().strip());
                mismatches += Math.max(1, report.mismatchCount());
            }
        }
        AckedWrites.Findings acked = ackedWrites(load, liveGeneration);
        acked.all().stream().limit(20).forEach(p -> problems.add("acknowledged writes: " + p));
        try (DeadLetterCount letters = DeadLetterCount.of(spec.kafka().bootstrapServers(), spec.deadLetterTopic(),
                Duration.ofSeconds(20))) {
            long n = letters.getAsLong();
            if (n != 0) {
                problems.add("dead-letter topic " + spec.deadLetterTopic() + " holds " + n + " letters, expected none");
            }
        }
        AuditVerifier.Result audit = AuditVerifier.verifyFile(auditLog);
        if (!audit.valid()) {
            problems.add("audit chain " + auditLog + " broken at entry " + audit.firstBrokenSeq() + ": " + audit.reason());
        }
        return new Found(acked.acked(), acked.lost().size(), acked.duplicated().size(),
                mismatches + acked.unacknowledged().size(), problems);
    }

    private AckedWrites.Findings ackedWrites(FollowingWriteLoad load, long liveGeneration) throws Exception {
        Map<String, Connection> dbs = new LinkedHashMap<>();
        try {
            if (liveGeneration >= 2) {
                dbs.put("pg_a", stack.target(0).connect(db));
                dbs.put("pg_b", stack.target(1).connect(db));
                return AckedWrites.check(load, dbs, spec.routing());
            }
            dbs.put("source", stack.source().connect(db));
            return AckedWrites.check(load, dbs, null);
        } finally {
            for (Connection c : dbs.values()) {
                c.close();
            }
        }
    }

    private CompareReport compareRows(TableSchema table) throws Exception {
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = stack.source().connect(db)) {
            targets.put("pg_a", stack.target(0).connect(db));
            targets.put("pg_b", stack.target(1).connect(db));
            return RowCompare.compare(src, targets, table, spec.shardKeyOf(table.id()), spec.routing());
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }

    private CompareReport compareDocuments(SolrTargetConfig search, TableSchema table) throws Exception {
        try (Connection src = stack.source().connect(db); CloudSolrClient solr = stack.demo().solr().newClient()) {
            solr.commit(search.collectionName(), true, true);
            return SearchCompare.compare(src, solr, search.collectionName(), search, table);
        }
    }

    /** A compare that may lag behind (reverse replication, a search commit) retried until clean or {@code settle} passed. */
    private CompareReport settled(Compare compare) throws Exception {
        long deadline = System.nanoTime() + settle.toNanos();
        CompareReport last = compare.run();
        while (!last.clean() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            last = compare.run();
        }
        return last;
    }

    @FunctionalInterface
    private interface Compare {
        CompareReport run() throws Exception;
    }
}
