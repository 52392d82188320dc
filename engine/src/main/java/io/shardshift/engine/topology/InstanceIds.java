package io.shardshift.engine.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The static group member id ({@code group.instance.id}) of an apply application, kept in its state
 * directory, so a migrator restarted on the same state directory (after a crash, {@code kill -9}, a host
 * reboot) takes its partitions back at once. With a dynamic member id the restarted process would wait for
 * the dead member's session to expire (45 s by default) before any partition is applied again, and a cutover
 * started meanwhile would time out in its drain.
 *
 * <p>Two processes on different state directories get different ids, so they share the group as before; two
 * on the same state directory cannot run anyway (Kafka Streams locks it).
 */
public final class InstanceIds {
    private InstanceIds() {
    }

    /**
     * The id stored for {@code applicationId} under {@code stateDir}, created on first use
     * ({@code <applicationId>-<random>}).
     */
    public static String of(Path stateDir, String applicationId) {
        Path file = stateDir.resolve("instance-" + applicationId.replaceAll("[^A-Za-z0-9._-]", "_") + ".id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(stateDir);
            String id = applicationId + "-" + UUID.randomUUID().toString().substring(0, 8);
            Path tmp = Files.createTempFile(stateDir, "instance", ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the apply's group member id in " + file + ": " + e.getMessage(), e);
        }
    }
}
