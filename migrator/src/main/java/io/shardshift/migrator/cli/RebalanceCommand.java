package io.shardshift.migrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code shardshift rebalance ...}: the rebalance calls of the migrator's HTTP API ({@code shardshift serve} or
 * {@code shardshift migrate}) from the command line:
 * <ul>
 *   <li>{@code rebalance db start --tenant T --target-instance pg_b}: rehome one tenant's rows;</li>
 *   <li>{@code rebalance search start --collection orders --routing customer [--dual-write]}: re-index a
 *       collection into a new version routed by another column;</li>
 *   <li>{@code rebalance stream start --topic T --new-partitions N}: expand a keyed topic in place to a multiple of
 *       the partitions producers route by; {@code cutover} flips their route to the new count, {@code rollback}
 *       back;</li>
 *   <li>{@code rebalance [search|stream|db] status|cutover|rollback --id ID}, {@code rebalance list}.</li>
 * </ul>
 * Exit codes: 0 done, 1 refused (409, 501), 2 bad input (a missing or unknown argument, which picocli names)
 * or an unreachable API.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = "Start, watch, cut over or roll back a rebalance (search, stream or db) through the migrator's"
                + " HTTP API: 'rebalance db start --tenant acme --target-instance pg_b', 'rebalance status --id ID',"
                + " 'rebalance cutover --id ID', 'rebalance rollback --id ID', 'rebalance list'.",
        subcommands = {RebalanceCommand.Search.class, RebalanceCommand.Stream.class, RebalanceCommand.Db.class,
                RebalanceCommand.Status.class, RebalanceCommand.Cutover.class, RebalanceCommand.Rollback.class,
                RebalanceCommand.ListAll.class})
public final class RebalanceCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", scope = ScopeType.INHERIT,
            description = "The migrator's API (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:SHARDSHIFT_API_TOKEN}", scope = ScopeType.INHERIT,
            description = "The API token, needed by start, cutover and rollback (default: $SHARDSHIFT_API_TOKEN).")
    String token;

    @Spec
    CommandSpec spec;

    /** Sends one call to the API and prints its answer; {@code body} null for a GET. */
    int call(String method, String path, ObjectNode body) {
        return call(method, path, body, spec.commandLine().getOut());
    }

    /** As {@link #call(String, String, ObjectNode)}, printing a successful answer to {@code out}. */
    int call(String method, String path, ObjectNode body, java.io.PrintWriter out) {
        String json;
        try {
            json = body == null ? null : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return new ApiClient(url, token).call(method, path, json, out, spec.commandLine().getErr());
    }

    /**
     * A line per migrator process in a status answer's {@code instances}, e.g. {@code instance host-b-77 LOST, roles
     * apply, host host-b pid 77, holds 0 applyPartitions, last seen 31.0 s ago}; none when it has no instances.
     */
    static java.util.List<String> instanceLines(String statusJson) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        try {
            JSON.readTree(statusJson).path("instances").forEach(i -> {
                java.util.List<String> roles = new java.util.ArrayList<>();
                i.path("roles").forEach(r -> roles.add(r.asText()));
                java.util.List<String> holds = new java.util.ArrayList<>();
                i.path("holds").fields().forEachRemaining(e -> {
                    if (e.getValue().size() > 0 && !"applyMembers".equals(e.getKey())) {
                        holds.add(e.getValue().size() + " " + e.getKey());
                    }
                });
                String state = i.path("state").asText();
                lines.add("instance " + i.path("id").asText() + " " + ("lost".equals(state) ? "LOST" : state)
                        + ", roles " + String.join(",", roles) + ", host " + i.path("host").asText() + " pid "
                        + i.path("pid").asLong() + (i.hasNonNull("http") ? ", " + i.get("http").asText() : "")
                        + ", holds " + (holds.isEmpty() ? "nothing" : String.join(" ", holds))
                        + (i.path("figures").has("eventsApplied") ? ", applied " + i.path("figures").path("eventsApplied").asLong()
                        + " events" : "") + ", last seen "
                        + String.format(java.util.Locale.ROOT, "%.1f", i.path("silentMillis").asLong() / 1000.0) + " s ago");
            });
        } catch (JsonProcessingException e) {
            return java.util.List.of();
        }
        return lines;
    }

    /** The {@code rebalance} command a subcommand runs under, however deep. */
    static RebalanceCommand of(CommandSpec sub) {
        for (CommandSpec s = sub; s != null; s = s.parent()) {
            if (s.userObject() instanceof RebalanceCommand r) {
                return r;
            }
        }
        throw new IllegalStateException("not under 'rebalance'");
    }

    /** {@code rebalance search start|status|cutover|rollback}. */
    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Re-index a search collection into a new version routed by another column.",
            subcommands = {SearchStart.class, Status.class, Cutover.class, Rollback.class})
    static final class Search {
    }

    /** {@code rebalance stream start|status|cutover|rollback}. */
    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = "Expand a keyed topic in place to 2x, 3x... its partitions; cutover flips the producers' route"
                    + " on the config topic (they must follow it: io.shardshift.client.RoutePartitioner).",
            subcommands = {StreamStart.class, Status.class, Cutover.class, Rollback.class})
    static final class Stream {
    }

    /** {@code rebalance db start|status|cutover|rollback}. */
    @Command(name = "db", mixinStandardHelpOptions = true,
            description = "Rehome one tenant's rows to another PostgreSQL target.",
            subcommands = {DbStart.class, Status.class, Cutover.class, Rollback.class})
    static final class Db {
    }

    /** {@code rebalance search start}. */
    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a search rebalance.")
    static final class SearchStart implements Callable<Integer> {
        @Option(names = "--collection", required = true, description = "The alias of a search target of the base spec.")
        String collection;

        @Option(names = "--routing", required = true, description = "The routing column of the new collection, whose"
                + " value prefixes each document id (compositeId value!id).")
        String routing;

        @Option(names = "--dual-write", description = "Tell applications that index documents themselves, on the config"
                + " topic, to write both collections until cutover; the migrator fills the new collection either way.")
        boolean dualWrite;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("collection", collection).put("routing", routing)
                    .put("dual_write", dualWrite);
            return of(spec).call("POST", "/v1/rebalance/search/start", body);
        }
    }

    /** {@code rebalance stream start}. */
    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stream (partition) rebalance.")
    static final class StreamStart implements Callable<Integer> {
        @Option(names = "--topic", required = true, description = "The topic to expand.")
        String topic;

        @Option(names = "--new-partitions", required = true, description = "The new partition count: a multiple of the"
                + " count producers route by now.")
        int newPartitions;

        @Option(names = "--reassign", negatable = true, description = "Balance leaders and replicas over the brokers"
                + " after the expansion (default: when the cluster has more than one broker).")
        Boolean reassign;

        @Option(names = "--throttle-bytes-per-second", description = "Replication throttle per broker while replicas"
                + " copy (default 10 MB/s).")
        Long throttle;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("topic", topic).put("new_partitions", newPartitions);
            if (reassign != null) {
                body.put("reassign", reassign);
            }
            if (throttle != null) {
                body.put("throttle_bytes_per_second", throttle);
            }
            return of(spec).call("POST", "/v1/rebalance/stream/expand", body);
        }
    }

    /** {@code rebalance db start}. */
    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start rehoming a tenant.")
    static final class DbStart implements Callable<Integer> {
        @Option(names = "--tenant", required = true, description = "The tenant (shard key value) whose rows move.")
        String tenant;

        @Option(names = "--target-instance", required = true, description = "The target of the base spec to move them to.")
        String targetInstance;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("tenant", tenant).put("target_instance", targetInstance);
            return of(spec).call("POST", "/v1/rebalance/db/rehome", body);
        }
    }

    /** {@code rebalance [KIND] status --id ID}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a rebalance's state and figures.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--id", required = true, description = "The rebalance's id (the start answer's 'id').")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            java.io.StringWriter answer = new java.io.StringWriter();
            int rc = of(spec).call("GET", "/v1/rebalance/status?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null,
                    new java.io.PrintWriter(answer, true));
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.print(answer);
            if (rc == 0) {
                instanceLines(answer.toString()).forEach(out::println);
            }
            out.flush();
            return rc;
        }
    }

    /** {@code rebalance [KIND] cutover --id ID}. */
    @Command(name = "cutover", mixinStandardHelpOptions = true, description = "Cut a filled rebalance over.")
    static final class Cutover implements Callable<Integer> {
        @Option(names = "--id", required = true, description = "The rebalance's id (the start answer's 'id').")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return of(spec).call("POST", "/v1/rebalance/cutover", JSON.createObjectNode().put("id", id));
        }
    }

    /** {@code rebalance [KIND] rollback --id ID [--reason R]}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll a cut-over rebalance back.")
    static final class Rollback implements Callable<Integer> {
        @Option(names = "--id", required = true, description = "The rebalance's id (the start answer's 'id').")
        String id;

        @Option(names = "--reason", description = "Why, recorded in the audit trail.")
        String reason;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("id", id);
            if (reason != null) {
                body.put("reason", reason);
            }
            return of(spec).call("POST", "/v1/rebalance/rollback", body);
        }
    }

    /** {@code rebalance list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rebalances of this migrator.")
    static final class ListAll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return of(spec).call("GET", "/v1/rebalance", null);
        }
    }
}
