package io.shardshift.migrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code shardshift rebalance ...}: the rebalance calls of the migrator's HTTP API ({@code shardshift serve} or
 * {@code shardshift migrate}) from the command line:
 * <ul>
 *   <li>{@code rebalance db start --tenant T --target-instance pg_b}: rehome one tenant's rows;</li>
 *   <li>{@code rebalance search start --collection orders --routing customer [--dual-write]}: re-index a
 *       collection into a new version routed by another column;</li>
 *   <li>{@code rebalance stream start --topic T --new-partitions N} (answers 501 in this version);</li>
 *   <li>{@code rebalance [search|db] status|cutover|rollback --id ID}, {@code rebalance list}.</li>
 * </ul>
 * Exit codes: 0 done, 1 refused (409, 501), 2 bad input or unreachable API.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = "Start, watch, cut over or roll back a rebalance (search, stream or db) through the migrator's"
                + " HTTP API: 'rebalance db start --tenant acme --target-instance pg_b', 'rebalance status --id ID',"
                + " 'rebalance cutover --id ID', 'rebalance rollback --id ID', 'rebalance list'.")
public final class RebalanceCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "KIND ACTION",
            description = "[search|stream|db] start|status|cutover|rollback, or list")
    List<String> words;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "The migrator's API (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:SHARDSHIFT_API_TOKEN}",
            description = "The API token, needed by start, cutover and rollback (default: $SHARDSHIFT_API_TOKEN).")
    String token;

    @Option(names = "--id", description = "The rebalance's id (the start answer's 'id'), for status, cutover and rollback.")
    String id;

    @Option(names = "--reason", description = "Why, recorded in the audit trail (rollback).")
    String reason;

    @Option(names = "--collection", description = "search start: the alias of a search target of the base spec.")
    String collection;

    @Option(names = "--routing", description = "search start: the routing column of the new collection, whose value"
            + " prefixes each document id (compositeId value!id).")
    String routing;

    @Option(names = "--dual-write", description = "search start: tell applications that index documents themselves,"
            + " on the config topic, to write both collections until cutover; the migrator fills the new collection"
            + " either way.")
    boolean dualWrite;

    @Option(names = "--topic", description = "stream start: the topic to expand.")
    String topic;

    @Option(names = "--new-partitions", description = "stream start: the new partition count.")
    Integer newPartitions;

    @Option(names = "--tenant", description = "db start: the tenant (shard key value) whose rows move.")
    String tenant;

    @Option(names = "--target-instance", description = "db start: the target of the base spec to move them to.")
    String targetInstance;

    @Spec
    CommandSpec spec;

    private String kind = "";
    private String action;

    @Override
    public Integer call() {
        if (words.size() == 2) {
            kind = words.get(0);
            action = words.get(1);
            if (!kind.matches("search|stream|db")) {
                throw new IllegalArgumentException("rebalance kind must be search, stream or db, was '" + kind + "'");
            }
        } else {
            action = words.get(0);
        }
        ApiClient api = new ApiClient(url, token);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        return switch (action) {
            case "start" -> api.call("POST", startPath(), startBody(), out, err);
            case "status" -> api.call("GET", "/v1/rebalance/status?id="
                    + URLEncoder.encode(required(id, "--id"), StandardCharsets.UTF_8), null, out, err);
            case "cutover" -> api.call("POST", "/v1/rebalance/cutover", "{\"id\":" + ApiClient.quote(required(id, "--id")) + "}",
                    out, err);
            case "rollback" -> api.call("POST", "/v1/rebalance/rollback", "{\"id\":" + ApiClient.quote(required(id, "--id"))
                    + (reason == null ? "" : ",\"reason\":" + ApiClient.quote(reason)) + "}", out, err);
            case "list" -> api.call("GET", "/v1/rebalance", null, out, err);
            default -> throw new IllegalArgumentException("rebalance action must be start, status, cutover, rollback or list,"
                    + " was '" + action + "'");
        };
    }

    private String startPath() {
        return switch (kind) {
            case "search" -> "/v1/rebalance/search/start";
            case "stream" -> "/v1/rebalance/stream/expand";
            case "db" -> "/v1/rebalance/db/rehome";
            default -> throw new IllegalArgumentException("rebalance start needs a kind: 'rebalance search|stream|db start'");
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
            throw new IllegalArgumentException("rebalance " + (kind.isEmpty() ? "" : kind + " ") + action + " needs " + option);
        }
        return value;
    }
}
