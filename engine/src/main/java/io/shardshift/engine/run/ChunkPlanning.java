package io.shardshift.engine.run;

import io.shardshift.cdc.ChunkPlan;
import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.cdc.SnapshotChunk;
import io.shardshift.cdc.SnapshotReader;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Plans the chunks of the tables a backfill still has to copy, once per migration however many processes
 * start at once: under a session advisory lock on the source (keyed by the migration's name), it reads
 * the {@link BackfillLedger}, plans each table that has no plan yet (or is to be copied again), publishes its
 * chunks to the chunk topic ({@code <prefix>.backfill-chunks}, spread over its partitions) and only then
 * records the plan, so a crash in between leaves the table unplanned and the next planner publishes again.
 * Every planning takes a new generation, recorded before its chunks are published
 * ({@code backfill/<table>/planning}), so chunks of an unfinished planning (whose block ranges may differ) are
 * never counted for another plan; consumers skip them.
 *
 * <p>A chunk record: key {@code <schema.table>}, value {@code <generation> <index> <fromBlock> <toBlock>}.
 */
final class ChunkPlanning {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkPlanning.class);
    /** The first half of the advisory lock's two-int key: "SSBF". */
    private static final int LOCK_CLASS = 0x53534246;

    private final MigrationSpec spec;
    private final SnapshotReader reader;
    private final BackfillLedger ledger;
    private final String chunkTopic;
    private final int partitions;

    ChunkPlanning(MigrationSpec spec, SnapshotReader reader, BackfillLedger ledger, String chunkTopic, int partitions) {
        this.spec = spec;
        this.reader = reader;
        this.ledger = ledger;
        this.chunkTopic = chunkTopic;
        this.partitions = partitions;
    }

    /**
     * Plans the tables not done and not yet planned, and those in {@code again} (a new generation even if
     * planned or done).
     *
     * @return the tables this call planned
     */
    List<TableId> planMissing(List<TableSchema> tables, Set<TableId> again) throws SQLException {
        List<TableId> planned = new ArrayList<>();
        try (Connection lock = openLock()) {
            KafkaProducer<String, String> producer = ledger.producer();
            try {
                int next = 0;
                for (TableSchema table : tables) {
                    TableId id = table.id();
                    BackfillLedger.Plan current = ledger.plan(id);
                    boolean replan = again.contains(id);
                    if (!replan && (current != null || ledger.tableDone(id))) {
                        continue;
                    }
                    int generation = Math.max(current == null ? 0 : current.generation(), ledger.planning(id)) + 1;
                    ledger.put(BackfillLedger.planningKey(id), String.valueOf(generation));
                    ChunkPlan plan = reader.planChunks(table, ShardKeyFilter.of(spec, id).orElse(null));
                    List<Future<?>> sent = new ArrayList<>();
                    for (SnapshotChunk c : plan.chunks()) {
                        String value = generation + " " + c.index() + " " + c.fromBlock() + " " + c.toBlock();
                        sent.add(producer.send(new ProducerRecord<>(chunkTopic, next++ % partitions, id.toString(), value)));
                    }
                    producer.flush();
                    for (Future<?> f : sent) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    ledger.put(BackfillLedger.planKey(id),
                            new BackfillLedger.Plan(generation, plan.chunks().size(), plan.estimatedRows()).encode());
                    if (replan && ledger.tableDone(id)) {
                        ledger.put(BackfillLedger.tableKey(id), null);
                    }
                    LOG.info("backfill of {}: planned {} chunks (generation {}, about {} rows) on {}", id,
                            plan.chunks().size(), generation, plan.estimatedRows(), chunkTopic);
                    planned.add(id);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing the backfill's chunks", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot publish the backfill's chunks to " + chunkTopic + ": "
                        + e.getMessage(), e);
            }
        }
        return planned;
    }

    /** Opens a source session holding the migration's planning lock (released when the session ends). */
    private Connection openLock() throws SQLException {
        Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, lockKey(spec.name()));
            ps.setQueryTimeout((int) Duration.ofMinutes(2).toSeconds());
            ps.execute();
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** The second half of the lock key: a stable hash of the migration's name. */
    static int lockKey(String migration) {
        int h = 0x811c9dc5;
        for (byte b : migration.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return h;
    }
}
