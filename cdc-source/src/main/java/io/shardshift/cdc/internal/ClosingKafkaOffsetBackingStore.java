package io.shardshift.cdc.internal;

import io.debezium.embedded.KafkaConnectUtil;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Debezium's offsets in a Kafka topic, as {@link KafkaOffsetBackingStore}, with an admin client that is
 * closed when the engine stops the store.
 *
 * <p>For {@code offset.storage=KafkaOffsetBackingStore} Debezium's embedded engine builds the store with a
 * {@link SharedTopicAdmin} ({@code debezium-servershared-admin}) that nobody closes: Kafka Connect's store does
 * not close an admin it was handed, and the engine keeps no reference. That client outlived every clean stop
 * and, once the broker was gone, logged "Connection to node -1 could not be established" WARNs until the JVM
 * exited. The engine instantiates any other {@code offset.storage} class with its no-argument constructor,
 * calls {@link #configure}, {@link #start} and, on close, {@link #stop}; this store owns its admin across them.
 */
public final class ClosingKafkaOffsetBackingStore extends KafkaOffsetBackingStore {
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final AtomicReference<SharedTopicAdmin> admin;
    private final AtomicReference<String> clientIdBase;

    /** Called by Debezium's engine (by class name, from {@code offset.storage}). */
    public ClosingKafkaOffsetBackingStore() {
        this(new AtomicReference<>(), new AtomicReference<>("shardshift-"));
    }

    private ClosingKafkaOffsetBackingStore(AtomicReference<SharedTopicAdmin> admin, AtomicReference<String> clientIdBase) {
        super(() -> admin.get().get(), clientIdBase::get, KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
        this.clientIdBase = clientIdBase;
    }

    /** Creates the admin client (with the engine's properties, as Debezium does), then configures the store. */
    @Override
    public void configure(WorkerConfig config) {
        Object name = config.originals().get("name");
        clientIdBase.set("shardshift-" + (name == null ? "capture" : name) + "-");
        Map<String, Object> adminProps = new HashMap<>(config.originals());
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdBase.get() + "offsets-admin");
        SharedTopicAdmin previous = admin.getAndSet(new SharedTopicAdmin(adminProps));
        if (previous != null) {
            previous.close(ADMIN_CLOSE_TIMEOUT);
        }
        super.configure(config);
    }

    /** Stops the offsets log, then closes the admin client. */
    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            SharedTopicAdmin a = admin.getAndSet(null);
            if (a != null) {
                a.close(ADMIN_CLOSE_TIMEOUT);
            }
        }
    }
}
