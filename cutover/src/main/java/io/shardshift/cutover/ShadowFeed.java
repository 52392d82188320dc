package io.shardshift.cutover;

import io.shardshift.client.shadow.ShadowRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads {@code <prefix>.shadow} from the beginning (creating it if missing: 3 partitions) into a
 * {@link ShadowAgreement}; records older than its window fall out by their {@code atMillis}, so a restarted migrator
 * counts the same reads. A record that is not a shadow record is logged with its offset and counted, not fatal.
 */
public final class ShadowFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowFeed.class);

    private final String topic;
    private final ShadowAgreement agreement;
    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private ShadowFeed(String bootstrapServers, String topic, ShadowAgreement agreement) {
        this.topic = topic;
        this.agreement = agreement;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "shardshift-shadow-feed");
        this.thread.setDaemon(true);
    }

    /** Creates {@code topic} if missing and starts feeding {@code agreement} from it. */
    public static ShadowFeed start(String bootstrapServers, String topic, short replicationFactor,
                                   ShadowAgreement agreement) {
        createTopic(bootstrapServers, topic, replicationFactor);
        ShadowFeed f = new ShadowFeed(bootstrapServers, topic, agreement);
        f.thread.start();
        return f;
    }

    private static void createTopic(String bootstrapServers, String topic, short replicationFactor) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, replicationFactor))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create shadow topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating shadow topic " + topic, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating " + topic, e);
        }
    }

    private void run() {
        try {
            List<PartitionInfo> infos = List.of();
            while (running.get() && (infos == null || infos.isEmpty())) {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    accept(r);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.warn("shadow feed of {} woken up unexpectedly", topic);
            }
        } catch (RuntimeException e) {
            LOG.error("shadow feed of {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void accept(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            return;
        }
        try {
            agreement.accept(ShadowRecord.fromJson(r.value()));
        } catch (IllegalArgumentException e) {
            agreement.malformed();
            LOG.warn("{}-{}@{}: skipped, {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
