package io.shardshift.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Checks an audit trail's chain: seqs 1, 2, 3... without gaps, each {@code prevHash} equal to the previous
 * entry's {@code hash}, and each {@code hash} equal to the hash of its own content. Reports the first seq
 * where that fails.
 */
public final class AuditVerifier {
    private AuditVerifier() {
    }

    /**
     * The outcome of a check.
     *
     * @param valid          whether the whole chain holds
     * @param entries        entries read
     * @param firstBrokenSeq the first seq that fails (the line number when its seq cannot be read), or -1
     * @param reason         why it fails, or "ok"
     * @param lastHash       the hash of the last valid entry
     */
    public record Result(boolean valid, long entries, long firstBrokenSeq, String reason, String lastHash) {
    }

    /** Checks a trail file. */
    public static Result verifyFile(Path file) throws IOException {
        return verifyLines(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Checks the trail on a Kafka topic, read from the beginning to its current end. */
    public static Result verifyTopic(String bootstrapServers, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> lines = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read audit topic " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    lines.add(r.value());
                }
            }
        }
        return verifyLines(lines);
    }

    /** Checks the entries given as JSON lines, in order; blank lines are skipped. */
    public static Result verifyLines(List<String> lines) {
        String prev = AuditEntry.GENESIS;
        long expected = 1;
        long lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line == null || line.isBlank()) {
                continue;
            }
            AuditEntry e;
            try {
                e = AuditHashing.JSON.readValue(line, AuditEntry.class);
            } catch (JsonProcessingException ex) {
                return broken(expected - 1, expected, "line " + lineNo + " is not an audit entry: " + ex.getOriginalMessage(), prev);
            }
            if (e.seq() != expected) {
                return broken(expected - 1, expected, "expected seq " + expected + " but found " + e.seq(), prev);
            }
            if (!prev.equals(e.prevHash())) {
                return broken(expected - 1, e.seq(), "prevHash does not match the hash of entry " + (e.seq() - 1), prev);
            }
            String actual = AuditHashing.hash(e);
            if (!actual.equals(e.hash())) {
                return broken(expected - 1, e.seq(), "content does not match its hash (entry was altered)", prev);
            }
            prev = e.hash();
            expected++;
        }
        return new Result(true, expected - 1, -1, "ok", prev);
    }

    private static Result broken(long entries, long seq, String reason, String lastHash) {
        return new Result(false, entries, seq, reason, lastHash);
    }
}
