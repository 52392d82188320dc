package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.verify.VerifyException;
import io.shardshift.sink.pg.PgTargetSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Re-backfills exactly the keys that differ, through the fenced apply path:
 * <ul>
 *   <li>a key the source holds (missing, different, misplaced): its row is read locked {@code FOR SHARE}
 *       and the WAL position L taken in the same transaction, then published to the table's change topic
 *       as a streamed change at L, so the topology applies it to the target the layout names. Every
 *       earlier change of the key has a lower LSN (so the repair wins over it) and every later change a
 *       higher one (so it wins over the repair).</li>
 *   <li>a row a target holds where it should not (extra, or a copy in the wrong target): a fenced delete at
 *       the row's fence + 1, applied to that target through {@link PgTargetSink}; any genuine later change
 *       has a higher LSN and still applies.</li>
 * </ul>
 */
public final class Repair {
    private static final Logger LOG = LoggerFactory.getLogger(Repair.class);

    private final MigrationSpec spec;
    private final TableSchema table;
    private final PgSource source;

    public Repair(MigrationSpec spec, TableSchema table, PgSource source) {
        this.spec = spec;
        this.table = table;
        this.source = source;
    }

    /**
     * Repairs the keys.
     *
     * @return the keys acted on
     */
    public Set<RowKey> run(Map<RowKey, KeyCheck.Verdict> different) throws InterruptedException {
        Set<RowKey> republish = new LinkedHashSet<>();
        Map<String, List<ChangeEvent>> deletes = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        different.forEach((key, v) -> {
            if (v.kind() != Kind.EXTRA_IN_TARGET) {
                republish.add(key);
            }
            for (TargetRow held : v.holders()) {
                if (v.kind() == Kind.EXTRA_IN_TARGET || !held.target().equals(v.expected())) {
                    ChangeEvent delete = ChangeEvent.delete(table.id(), keyMap(key), keyMap(key),
                            SourcePosition.streamed(held.fence() + 1, 0, now));
                    deletes.computeIfAbsent(held.target(), t -> new ArrayList<>()).add(delete);
                }
            }
        });
        deletes.forEach(this::applyDeletes);
        if (!republish.isEmpty()) {
            publish(republish);
        }
        Set<RowKey> acted = new LinkedHashSet<>(republish);
        acted.addAll(different.keySet());
        return acted;
    }

    private void applyDeletes(String target, List<ChangeEvent> events) {
        try (PgTargetSink sink = PgTargetSink.open(spec.target(target), List.of(table), 1000, 3)) {
            List<RejectedEvent> rejected = sink.apply(events);
            if (!rejected.isEmpty()) {
                throw new VerifyException("repair of " + table.id() + " on target " + target + " was rejected: "
                        + rejected.get(0).reason(), null);
            }
        }
        LOG.info("repair of {}: {} fenced deletes applied to {}", table.id(), events.size(), target);
    }

    private void publish(Set<RowKey> keys) throws InterruptedException {
        PgSource.Locked<Map<String, String>> rows = source.fullRowsForShare(keys);
        SourcePosition pos = SourcePosition.streamed(rows.lsn(), 0, System.currentTimeMillis());
        String topic = spec.changeTopic(table.id());
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            List<Future<?>> sent = new ArrayList<>();
            rows.rows().forEach((key, row) -> {
                ChangeEvent e = ChangeEvent.update(table.id(), keyMap(key), null, row, pos);
                sent.add(producer.send(new ProducerRecord<>(topic, ChangeEventCodec.encodeKey(e.keyValues()),
                        ChangeEventCodec.encode(e))));
            });
            producer.flush();
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new VerifyException("repair of " + table.id() + ": cannot publish to " + topic + ": " + e.getMessage(), e);
        }
        LOG.info("repair of {}: {} rows re-published to {} at LSN {} ({} keys no longer in the source)", table.id(),
                rows.rows().size(), topic, Lsn.format(rows.lsn()), keys.size() - rows.rows().size());
    }

    private Map<String, String> keyMap(RowKey key) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < table.primaryKey().size(); i++) {
            m.put(table.primaryKey().get(i), key.values().get(i));
        }
        return m;
    }

    private Properties producerConfig() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shardshift-" + spec.name() + "-verify-repair");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }
}
