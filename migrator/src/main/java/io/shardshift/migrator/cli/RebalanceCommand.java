package io.shardshift.migrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code shardshift rebalance search|stream|db start|status|rollback}: the rebalance calls of the migrator's
 * HTTP API from the command line. {@code start} needs the kind's own options ({@code --collection --routing
 * [--dual-write]} for search, {@code --topic --new-partitions} for stream, {@code --tenant --target-instance}
 * for db); {@code status} and {@code rollback} need {@code --id}.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = "Start, watch or roll back a rebalance (search, stream or db) through the migrator's HTTP API.")
public final class RebalanceCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "search, stream or db")
    String kind;

    @Parameters(index = "1", description = "start, status or rollback")
    String action;

    @Option(names = "--url", required = true, description = "The migrator's API, e.g. http://127.0.0.1:8080.")
    String url;

    @Option(names = "--token", defaultValue = "${env:SHARDSHIFT_API_TOKEN}",
            description = "The API token, needed by start and rollback (default: $SHARDSHIFT_API_TOKEN).")
    String token;

    @Option(names = "--id", description = "The rebalance (migration) id, for status and rollback.")
    String id;

    @Option(names = "--reason", description = "Why, recorded in the audit trail (rollback).")
    String reason;

    @Option(names = "--collection", description = "search start: the collection.")
    String collection;

    @Option(names = "--routing", description = "search start: the routing field.")
    String routing;

    @Option(names = "--dual-write", description = "search start: write both collections until cutover.")
    boolean dualWrite;

    @Option(names = "--topic", description = "stream start: the topic to expand.")
    String topic;

    @Option(names = "--new-partitions", description = "stream start: the new partition count.")
    Integer newPartitions;

    @Option(names = "--tenant", description = "db start: the tenant to rehome.")
    String tenant;

    @Option(names = "--target-instance", description = "db start: the instance to move it to.")
    String targetInstance;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!kind.matches("search|stream|db")) {
            throw new IllegalArgumentException("rebalance kind must be search, stream or db, was '" + kind + "'");
        }
        ApiClient api = new ApiClient(url, token);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        return switch (action) {
            case "start" -> api.call("POST", startPath(), startBody(), out, err);
            case "status" -> api.call("GET", "/v1/rebalance/status?id=" + java.net.URLEncoder.encode(required(id, "--id"),
                    java.nio.charset.StandardCharsets.UTF_8), null, out, err);
            case "rollback" -> api.call("POST", "/v1/rebalance/rollback", "{\"id\":" + ApiClient.quote(required(id, "--id"))
                    + (reason == null ? "" : ",\"reason\":" + ApiClient.quote(reason)) + "}", out, err);
            default -> throw new IllegalArgumentException("rebalance action must be start, status or rollback, was '" + action + "'");
        };
    }

    private String startPath() {
        return switch (kind) {
            case "search" -> "/v1/rebalance/search/start";
            case "stream" -> "/v1/rebalance/stream/expand";
            default -> "/v1/rebalance/db/rehome";
        };
    }

    private String startBody() {
        return switch (kind) {
            case "search" -> "{\"collection\":" + ApiClient.quote(required(collection, "--collection")) + ",\"routing\":"
                    + ApiClient.quote(required(routing, "--routing")) + ",\"dual_write\":" + dualWrite + "}";
            case "stream" -> "{\"topic\":" + ApiClient.quote(required(topic, "--topic")) + ",\"new_partitions\":"
                    + required(newPartitions, "--new-partitions") + "}";
            default -> "{\"tenant\":" + ApiClient.quote(required(tenant, "--tenant")) + ",\"target_instance\":"
                    + ApiClient.quote(required(targetInstance, "--target-instance")) + "}";
        };
    }

    private <T> T required(T value, String option) {
        if (value == null) {
            throw new IllegalArgumentException("rebalance " + kind + " " + action + " needs " + option);
        }
        return value;
    }
}
