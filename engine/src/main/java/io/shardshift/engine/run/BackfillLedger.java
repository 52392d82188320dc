package io.shardshift.engine.run;

import io.shardshift.cdc.TableProgress;
import io.shardshift.core.event.TableId;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The backfill's records in the state topic ({@code <prefix>.state}), followed live by a thread of its own so
 * every process of a migration sees the same global progress, whichever process copied a chunk:
 * <ul>
 *   <li>{@code backfill/<schema.table>/plan} = {@code gen=2 chunks=8 rows=400000}: the table's current chunk plan
 *       (a re-backfill makes a new generation);</li>
 *   <li>{@code backfill/<schema.table>/planning} = {@code 2}: the generation being planned (recorded before its
 *       chunks are published, so a planning that died half-way is never reused);</li>
 *   <li>{@code backfill/<schema.table>/chunk/<n>} = {@code done gen=2 rows=50012 by=host-123}: chunk {@code n} of
 *       that plan is on the targets, copied by that instance;</li>
 *   <li>{@code backfill/<schema.table>} = {@code done}: every chunk of the table is (as a one-process backfill
 *       always recorded it, so restarts, cutover gates and status read it unchanged).</li>
 * </ul>
 */
final class BackfillLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillLedger.class);
    static final String DONE = "done";

    private final String topic;
    private final TopicPartition partition;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Map<String, String> latest = new HashMap<>();
    private long position;
    private volatile boolean closed;
    private Thread thread;

    /** A table's current plan. */
    record Plan(int generation, int chunks, long estimatedRows) {
        String encode() {
            return "gen=" + generation + " chunks=" + chunks + " rows=" + estimatedRows;
        }

        static Plan decode(String text) {
            Map<String, String> f = fields(text);
            return new Plan(Integer.parseInt(f.get("gen")), Integer.parseInt(f.get("chunks")),
                    Long.parseLong(f.getOrDefault("rows", "0")));
        }
    }

    /** A table's progress from the records, with the chunks each instance copied. */
    record Progress(TableId table, Plan plan, int chunksDone, long rowsCopied, boolean finished,
                    Map<String, Integer> chunksByInstance) {
        TableProgress toTableProgress() {
            int planned = plan == null ? 0 : plan.chunks();
            return TableProgress.of(table, planned, finished ? Math.max(planned, chunksDone) : chunksDone, rowsCopied,
                    plan == null ? 0 : plan.estimatedRows(), finished);
        }
    }

    BackfillLedger(String bootstrapServers, String topic) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic to its end, then follows it on a daemon thread. */
    BackfillLedger follow() {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.position(partition) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read state topic " + topic + " to its end offset " + end);
            }
            pollOnce();
        }
        thread = new Thread(this::run, "shardshift-backfill-ledger");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!closed) {
                pollOnce();
            }
        } catch (WakeupException | InterruptException e) {
            if (!closed) {
                LOG.warn("following state topic {} stopped: {}", topic, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("following state topic {} failed: {}", topic, e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        var records = consumer.poll(Duration.ofMillis(200));
        long at = consumer.position(partition);
        synchronized (this) {
            for (ConsumerRecord<String, String> r : records) {
                if (r.value() == null) {
                    latest.remove(r.key());
                } else {
                    latest.put(r.key(), r.value());
                }
            }
            position = at;
            notifyAll();
        }
    }

    /**
     * Writes one key durably and waits until this ledger has read it back, so what it returns next includes it.
     *
     * @return the record's offset
     */
    long put(String key, String value) {
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(topic, 0, key, value)).get(30, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write " + key + " to state topic " + topic + ": " + e.getMessage(), e);
        }
        awaitRead(offset);
        return offset;
    }

    /** The ledger's producer (acks=all), for other records of the backfill to share; not to be closed. */
    KafkaProducer<String, String> producer() {
        return producer;
    }

    private synchronized void awaitRead(long offset) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (position <= offset) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new IllegalStateException("state topic " + topic + " not read back to offset " + offset);
            }
            try {
                wait(Math.min(200, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading back " + topic, e);
            }
        }
    }

    /** Waits until the condition holds or the timeout passes (re-checked whenever a record is read). */
    synchronized boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.min(200, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
        return true;
    }

    static String tableKey(TableId table) {
        return "backfill/" + table;
    }

    static String planKey(TableId table) {
        return tableKey(table) + "/plan";
    }

    /** The generation of the table's latest planning, recorded before its chunks are published. */
    static String planningKey(TableId table) {
        return tableKey(table) + "/planning";
    }

    /** The generation of the table's latest planning, finished or not; 0 when never planned. */
    synchronized int planning(TableId table) {
        String text = latest.get(planningKey(table));
        return text == null ? 0 : Integer.parseInt(text);
    }

    static String chunkKey(TableId table, int index) {
        return tableKey(table) + "/chunk/" + index;
    }

    synchronized boolean tableDone(TableId table) {
        return DONE.equals(latest.get(tableKey(table)));
    }

    synchronized boolean allDone(Collection<TableId> tables) {
        return tables.stream().allMatch(t -> DONE.equals(latest.get(tableKey(t))));
    }

    synchronized Plan plan(TableId table) {
        String text = latest.get(planKey(table));
        return text == null ? null : Plan.decode(text);
    }

    /** Whether chunk {@code index} of plan generation {@code generation} is recorded as copied. */
    synchronized boolean chunkDone(TableId table, int generation, int index) {
        String text = latest.get(chunkKey(table, index));
        return text != null && text.startsWith(DONE) && generation == Integer.parseInt(fields(text).get("gen"));
    }

    /** Records a chunk as copied (its rows are on the targets). */
    void chunkCopied(TableId table, int generation, int index, long rows, String instance) {
        put(chunkKey(table, index), DONE + " gen=" + generation + " rows=" + rows + " by=" + instance);
    }

    /** The table's progress from the records; its plan is {@code null} when it was never planned. */
    synchronized Progress progress(TableId table) {
        Plan plan = plan(table);
        boolean finished = tableDone(table);
        int done = 0;
        long rows = 0;
        Map<String, Integer> by = new TreeMap<>();
        if (plan != null) {
            for (int i = 0; i < plan.chunks(); i++) {
                String text = latest.get(chunkKey(table, i));
                if (text == null || !text.startsWith(DONE)) {
                    continue;
                }
                Map<String, String> f = fields(text);
                if (Integer.parseInt(f.get("gen")) == plan.generation()) {
                    done++;
                    rows += Long.parseLong(f.getOrDefault("rows", "0"));
                    by.merge(f.getOrDefault("by", "?"), 1, Integer::sum);
                }
            }
        }
        return new Progress(table, plan, done, rows, finished, by);
    }

    /** Whether every chunk of the table's current plan is recorded as copied. */
    synchronized boolean everyChunkCopied(TableId table) {
        Progress p = progress(table);
        return p.plan() != null && p.chunksDone() == p.plan().chunks();
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        producer.close(Duration.ofSeconds(5));
        Thread t = thread;
        if (t != null) {
            consumer.wakeup();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
