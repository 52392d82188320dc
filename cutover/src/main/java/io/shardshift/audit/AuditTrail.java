package io.shardshift.audit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An append-only, hash-chained audit trail, written to a local file (one JSON line per entry, forced to
 * disk) and, when a Kafka cluster is given, to a topic ({@code <prefix>.audit}, kept forever). Reopening a
 * file continues its chain. See {@link AuditEntry} for the format and {@link AuditVerifier} to check it.
 */
public final class AuditTrail implements AutoCloseable {
    private final Path file;
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private long seq;
    private String lastHash = AuditEntry.GENESIS;

    private AuditTrail(Path file, String bootstrapServers, String topic) {
        this.file = file;
        this.topic = topic;
        this.producer = bootstrapServers == null ? null : producer(bootstrapServers);
        resume();
    }

    /** A trail written to {@code file} only. */
    public static AuditTrail toFile(Path file) {
        return new AuditTrail(file, null, null);
    }

    /** A trail written to {@code file} and to {@code topic} (created if missing, never deleted by retention). */
    public static AuditTrail toFileAndTopic(Path file, String bootstrapServers, String topic) {
        createTopic(bootstrapServers, topic);
        return new AuditTrail(file, bootstrapServers, topic);
    }

    /** The audit topic of a migration's topic prefix. */
    public static String topicOf(String topicPrefix) {
        return topicPrefix + ".audit";
    }

    private void resume() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            AuditVerifier.Result r = AuditVerifier.verifyLines(lines);
            if (!r.valid()) {
                throw new IllegalStateException("audit file " + file + " is broken at seq " + r.firstBrokenSeq()
                        + ": " + r.reason() + "; refusing to append to it");
            }
            seq = r.entries();
            lastHash = r.lastHash();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit file " + file, e);
        }
    }

    /**
     * Appends an entry: to the file (forced to disk), then to the topic (acknowledged by the broker).
     *
     * @return the entry written
     */
    public synchronized AuditEntry append(String actor, String step, Map<String, Object> details) {
        AuditEntry unhashed = new AuditEntry(seq + 1, Instant.now().toString(), actor, step,
                details == null ? Map.of() : details, lastHash, null);
        AuditEntry entry = new AuditEntry(unhashed.seq(), unhashed.time(), actor, step, unhashed.details(),
                lastHash, AuditHashing.hash(unhashed));
        String line = AuditHashing.line(entry);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append audit entry " + entry.seq() + " to " + file, e);
        }
        if (producer != null) {
            try {
                producer.send(new ProducerRecord<>(topic, String.valueOf(entry.seq()), line)).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing audit entry " + entry.seq(), e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot write audit entry " + entry.seq() + " to topic " + topic
                        + ": " + e.getMessage(), e);
            }
        }
        seq = entry.seq();
        lastHash = entry.hash();
        return entry;
    }

    public Path file() {
        return file;
    }

    /** The seq of the last entry, 0 when empty. */
    public synchronized long lastSeq() {
        return seq;
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static void createTopic(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            NewTopic t = new NewTopic(topic, 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create audit topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating audit topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating " + topic, e);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
