package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How this process takes part in a migration: the {@linkplain Role roles} it runs, its instance id (unique among
 * the processes of one migration; default {@code <hostname>-<pid>}) and the tables it copies again on start.
 *
 * @param roles      what this process runs; never empty
 * @param instanceId this process's name among the migration's processes
 * @param rebackfill tables to copy again even if an earlier run copied them
 */
public record RunOptions(Set<Role> roles, String instanceId, Set<TableId> rebackfill) {
    public RunOptions {
        Objects.requireNonNull(instanceId, "instanceId");
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("a migrator process needs at least one role");
        }
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException("the instance id is blank");
        }
        roles = Set.copyOf(roles);
        rebackfill = rebackfill == null ? Set.of() : Set.copyOf(rebackfill);
    }

    /** Every role, the default instance id, nothing to copy again. */
    public static RunOptions all() {
        return new RunOptions(EnumSet.allOf(Role.class), defaultInstanceId(), Set.of());
    }

    public RunOptions withRoles(Set<Role> r) {
        return new RunOptions(r, instanceId, rebackfill);
    }

    public RunOptions withInstanceId(String id) {
        return new RunOptions(roles, id, rebackfill);
    }

    public RunOptions withRebackfill(Set<TableId> tables) {
        return new RunOptions(roles, instanceId, tables);
    }

    /** Whether this process runs the given part. */
    public boolean runs(Role role) {
        return roles.contains(role);
    }

    /** {@code <hostname>-<pid>}: unique on a network of hosts with distinct names. */
    public static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The roles as the command line takes them, e.g. {@code backfill,apply}. */
    public String rolesFlag() {
        return EnumSet.copyOf(roles).stream().map(Role::flag).reduce((a, b) -> a + "," + b).orElse("");
    }
}
