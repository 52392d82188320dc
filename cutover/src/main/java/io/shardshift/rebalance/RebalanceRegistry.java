package io.shardshift.rebalance;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.rebalance.reassign.ExecutorReassigner;
import io.shardshift.rebalance.reassign.ReassignmentOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The rebalances of one migrator process, by id. {@code shardshift migrate} registers its migration here
 * (id = the spec's name); {@code shardshift serve} starts none until asked. A tenant rehome or a search
 * rebalance gets a spec derived from the base spec ({@link RebalanceSpecs}) numbered by a counter kept in
 * {@code <state-dir>/rebalance.seq} (so a restarted migrator never reuses a name, and with it a slot or
 * topics), and starts in the background: the start answer comes at once, the status says when it streams.
 *
 * <pre>{@code
 * RebalanceRegistry registry = new RebalanceRegistry(base, stateDir, new LiveLauncher());
 * Rebalance r = registry.startRehome("acme", "pg_b");   // InvalidRequest, NotFound or Conflict as a RebalanceException
 * registry.get(r.id()).phase();                         // starting, backfill, streaming, cut-over...
 * registry.get(r.id()).cutover();
 * }</pre>
 */
public final class RebalanceRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceRegistry.class);
    private static final String COUNTER_FILE = "rebalance.seq";

    private final MigrationSpec base;
    private final Path stateDir;
    private final RebalanceLauncher launcher;
    private final Map<String, Rebalance> byId = new LinkedHashMap<>();
    private final Object startLock = new Object();
    private final ExecutorService starter = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shardshift-rebalance-start");
        t.setDaemon(true);
        return t;
    });
    private final RebalanceFlags flags;
    private String primary;
    private volatile PartitionReassigner reassigner = new ExecutorReassigner(ReassignmentOptions.DEFAULTS);
    private volatile Duration streamSettle = Duration.ofMillis(100);
    private boolean closed;

    /**
     * @param base     the spec rebalances derive from (already validated)
     * @param stateDir where the counter and each rebalance's state ({@code <state-dir>/<id>/}) go
     */
    public RebalanceRegistry(MigrationSpec base, Path stateDir, RebalanceLauncher launcher) {
        this(base, stateDir, launcher, new RebalanceFlags(base));
    }

    RebalanceRegistry(MigrationSpec base, Path stateDir, RebalanceLauncher launcher, RebalanceFlags flags) {
        this.base = base;
        this.stateDir = stateDir;
        this.launcher = launcher;
        this.flags = flags;
    }

    /** The spec rebalances derive from. */
    public MigrationSpec base() {
        return base;
    }

    /** Adds a migration started elsewhere; the first one is answered by a status call without an id. */
    public synchronized void register(Rebalance rebalance) {
        if (byId.putIfAbsent(rebalance.id(), rebalance) != null) {
            throw new IllegalArgumentException("a rebalance with id " + rebalance.id() + " is registered already");
        }
        if (primary == null) {
            primary = rebalance.id();
        }
    }

    /**
     * Starts moving one tenant's rows to a target of the base spec.
     *
     * @throws RebalanceException invalid, naming {@code tenant} or {@code target_instance}; conflict if a rehome of the tenant
     *                      is running
     */
    public Rebalance startRehome(String tenant, String targetInstance) {
        synchronized (startLock) {
            RebalanceSpecs.rehome(base, peek(), tenant, targetInstance);
            refuseIfRunning(RebalanceKind.DB, tenant, "tenant");
            long n = take();
            MigrationSpec spec = RebalanceSpecs.rehome(base, n, tenant, targetInstance);
            long previous = spec.layout().generation() - 1;
            return start(Rebalance.starting(spec.name(), RebalanceKind.DB, tenant, spec, summaryOf(spec),
                    result -> flags.afterRehome(spec.name(), tenant, targetInstance, result)), previous, () -> { });
        }
    }

    /**
     * Starts re-indexing a search collection into a new version routed by {@code routing}. With
     * {@code dualWrite} the config topic tells applications that index themselves to write both collections
     * until cutover ({@link RebalanceFlags}); the migrator fills the new collection either way.
     *
     * @throws RebalanceException not found, naming {@code collection}; invalid, naming {@code routing}; conflict if a search
     *                      rebalance of the collection is running
     */
    public Rebalance startSearch(String collection, String routing, boolean dualWrite) {
        synchronized (startLock) {
            SearchTargetSpec entry = RebalanceSpecs.searchEntry(base, collection);
            RebalanceSpecs.search(base, peek(), collection, routing, entry.version() + (int) peek());
            refuseIfRunning(RebalanceKind.SEARCH, collection, "collection");
            launcher.checkColumn(base, TableId.parse(entry.table()), routing, "routing");
            long n = take();
            int version = launcher.freeVersion(entry, entry.version() + (int) n);
            MigrationSpec spec = RebalanceSpecs.search(base, n, collection, routing, version);
            String newCollection = SolrTargetConfig.versioned(collection, version);
            Rebalance r = Rebalance.starting(spec.name(), RebalanceKind.SEARCH, collection, spec, summaryOf(spec),
                    result -> flags.afterSwitch(spec.name(), collection, newCollection, dualWrite, result));
            return start(r, entry.version(), () -> flags.filling(spec.name(), collection, newCollection, dualWrite));
        }
    }

    /**
     * Starts expanding a keyed topic of the base spec's Kafka cluster in place to {@code newPartitions} (a multiple
     * of the count producers route by now), in the background: route record, partitions added, reassignment step
     * ({@code reassigner}); the cutover and rollback flip the producers' route on the base spec's config topic.
     *
     * @throws RebalanceException invalid, naming {@code topic} and {@code new_partitions} (all problems at once);
     *                            conflict if a stream rebalance of the topic is running
     */
    public Rebalance startStreamExpand(String topic, Integer newPartitions) {
        return startStreamExpand(topic, newPartitions, null, null);
    }

    /**
     * As {@link #startStreamExpand(String, Integer)}, choosing the reassignment: {@code reassign} null runs it when
     * the cluster has more than one broker; {@code throttleBytesPerSecond} null uses the default (10 MB/s per broker).
     *
     * @throws RebalanceException invalid, naming {@code topic}, {@code new_partitions}, {@code reassign} or
     *                            {@code throttle_bytes_per_second} (all problems at once); conflict if a stream
     *                            rebalance of the topic is running
     */
    public Rebalance startStreamExpand(String topic, Integer newPartitions, Boolean reassign, Long throttleBytesPerSecond) {
        synchronized (startLock) {
            refuseIfRunning(RebalanceKind.STREAM, topic == null ? "" : topic, "topic");
            String name = base.name() + "_stream_" + peek();
            StreamExpansion expansion = StreamExpansion.open(name, base.kafka().bootstrapServers(),
                    io.shardshift.client.ConfigKeys.topic(base.topicPrefix()), base.replicationFactor(),
                    AuditTrail.topicOf(base.topicPrefix()), stateDir.resolve(name), topic, newPartitions, reassigner,
                    reassign, throttleBytesPerSecond, streamSettle);
            long n = take();
            if (!name.endsWith("_" + n)) {
                expansion.close();
                throw RebalanceException.conflict("another rebalance took number " + (n - 1) + "; start again");
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("topic", topic);
            summary.put("new_partitions", newPartitions);
            summary.put("reassign", reassign == null ? "when more than one broker" : reassign);
            summary.put("throttle_bytes_per_second", throttleBytesPerSecond == null ? "default" : throttleBytesPerSecond);
            Rebalance r = Rebalance.stream(name, topic, base, summary, expansion);
            synchronized (this) {
                if (closed) {
                    expansion.close();
                    throw RebalanceException.unavailable("the migrator is shutting down");
                }
                byId.put(r.id(), r);
            }
            LOG.info("rebalance {} (stream {}) starting: {} partitions", name, topic, newPartitions);
            starter.execute(expansion::expand);
            return r;
        }
    }

    /**
     * Sets the reassignment step of later stream rebalances (default an {@link ExecutorReassigner} with
     * {@link ReassignmentOptions#DEFAULTS}: 10 MB/s per broker, 30 minutes at most) and
     * the settle time between the producers' freeze and the fence (default 100 ms).
     */
    public void streamOptions(PartitionReassigner reassigner, Duration settle) {
        this.reassigner = reassigner;
        this.streamSettle = settle;
    }

    private Rebalance start(Rebalance r, long previousGeneration, Runnable afterLaunch) {
        synchronized (this) {
            if (closed) {
                throw RebalanceException.unavailable("the migrator is shutting down");
            }
            byId.put(r.id(), r);
        }
        LOG.info("rebalance {} ({} {}) starting: {}", r.id(), r.kind().apiName(), r.object(), r.summary());
        starter.execute(() -> launch(r, previousGeneration, afterLaunch));
        return r;
    }

    private void launch(Rebalance r, long previousGeneration, Runnable afterLaunch) {
        try {
            RebalanceLauncher.Launched launched = launcher.launch(r.spec(), stateDir.resolve(r.id()), previousGeneration);
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    r.started(launched);
                }
            }
            if (!keep) {
                launched.switchover().close();
                launched.runner().close();
                return;
            }
            LOG.info("rebalance {} started", r.id());
            afterLaunch.run();
        } catch (Exception | Error e) {
            LOG.warn("rebalance {} failed to start: {}", r.id(), e.getMessage(), e);
            r.failedToStart(e);
        }
    }

    private synchronized void refuseIfRunning(RebalanceKind kind, String object, String field) {
        for (Rebalance r : byId.values()) {
            if (r.blocks(kind, object)) {
                throw RebalanceException.conflict("a " + kind.apiName() + " rebalance of " + field + " '" + object
                        + "' is already running: " + r.id() + " (phase " + r.phase() + ")");
            }
        }
    }

    /** The rebalance with this id; not found, naming it, otherwise. */
    public synchronized Rebalance get(String id) {
        Rebalance r = byId.get(id);
        if (r == null) {
            throw RebalanceException.notFound("no rebalance with id '" + id + "'; known: " + byId.keySet());
        }
        return r;
    }

    /** The migration {@code shardshift migrate} runs, if any (answers a status call without an id). */
    public synchronized Optional<Rebalance> primary() {
        return Optional.ofNullable(primary).map(byId::get);
    }

    /** Every rebalance, oldest first. */
    public synchronized List<Rebalance> list() {
        return new ArrayList<>(byId.values());
    }

    private long peek() {
        return readCounter() + 1;
    }

    private long take() {
        long n = readCounter() + 1;
        while (containsName(n)) {
            n++;
        }
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(COUNTER_FILE), Long.toString(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve(COUNTER_FILE), e);
        }
        return n;
    }

    private synchronized boolean containsName(long n) {
        return byId.keySet().stream().anyMatch(id -> id.endsWith("_" + n));
    }

    private long readCounter() {
        Path file = stateDir.resolve(COUNTER_FILE);
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the rebalance counter " + file + ": " + e.getMessage(), e);
        }
    }

    /** A short description of a spec for the answers: name, tables, targets, layout, tenants, search. */
    static Map<String, Object> summaryOf(MigrationSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", spec.name());
        out.put("tables", spec.tableIds().stream().map(TableId::toString).toList());
        out.put("targets", spec.targets().stream().map(TargetSpec::name).toList());
        if (spec.hasLayout()) {
            out.put("layout", Map.of("generation", spec.routing().generation(), "shardKey", spec.layout().shardKey(),
                    "buckets", spec.routing().buckets(), "targets", spec.routing().targets()));
        }
        out.put("tenants", spec.tenants());
        out.put("search", spec.searchTargets().stream().map(s -> Map.of("collection", s.collection(),
                "newCollection", SolrTargetConfig.versioned(s.collection(), s.version()), "routing",
                s.shardKey() != null ? s.shardKey() : spec.shardKeyOf(TableId.parse(s.table()))))
                .toList());
        out.put("slot", spec.slotName());
        out.put("topicPrefix", spec.topicPrefix());
        return out;
    }

    /** Stops every rebalance this registry started (not a registered migration), then the flag publisher. */
    @Override
    public void close() {
        List<Rebalance> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(byId.values());
        }
        starter.shutdownNow();
        try {
            starter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Rebalance r : all) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("closing rebalance {}: {}", r.id(), e.getMessage());
            }
        }
        flags.close();
    }
}
