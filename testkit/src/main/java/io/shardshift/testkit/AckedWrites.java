package io.shardshift.testkit;

import io.shardshift.core.layout.Layout;
import io.shardshift.testkit.FollowingWriteLoad;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what a user checks after a cutover under load: each acknowledged write of a
 * {@link FollowingWriteLoad} is, with its last acknowledged value, in exactly the database the live layout
 * names, and no database holds a row of the load that was never acknowledged.
 */
public final class AckedWrites {
    private AckedWrites() {
    }

    /**
     * What the check found, by kind: {@code lost} (an acknowledged write missing, in the wrong database, or without
     * its last acknowledged value), {@code duplicated} (a row in more than one database), {@code unacknowledged}
     * (a row of the load that was never acknowledged); one line per problem.
     */
    public record Findings(long acked, List<String> lost, List<String> duplicated, List<String> unacknowledged) {
        /** Every problem, one line each. */
        public List<String> all() {
            List<String> all = new ArrayList<>(lost);
            all.addAll(duplicated);
            all.addAll(unacknowledged);
            return all;
        }
    }

    /**
     * @param dbs    database name (a layout target, or {@code source}) to a connection
     * @param layout the live layout, or {@code null} when the source is live
     * @return one line per problem; empty when every acknowledged write is where it belongs
     */
    public static List<String> problems(FollowingWriteLoad load, Map<String, Connection> dbs, Layout layout)
            throws SQLException {
        return check(load, dbs, layout).all();
    }

    /** As {@link #problems}, the problems sorted by kind. */
    public static Findings check(FollowingWriteLoad load, Map<String, Connection> dbs, Layout layout)
            throws SQLException {
        Map<Long, FollowingWriteLoad.Acked> acked = load.acked();
        Findings found = new Findings(acked.size(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        if (acked.isEmpty()) {
            return found;
        }
        long lo = acked.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
        long hi = lo + 1_000_000_000_000L - 1;
        Map<Long, List<String>> seen = new HashMap<>();
        Map<Long, String> notes = new HashMap<>();
        for (Map.Entry<String, Connection> db : dbs.entrySet()) {
            try (Statement st = db.getValue().createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, note FROM public.orders WHERE id BETWEEN " + lo + " AND " + hi)) {
                while (rs.next()) {
                    seen.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(db.getKey());
                    notes.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        seen.keySet().stream().filter(id -> !acked.containsKey(id))
                .forEach(id -> found.unacknowledged().add("row " + id + " was never acknowledged but is in " + seen.get(id)));
        acked.forEach((id, a) -> {
            String expected = layout == null ? "source" : layout.targetFor(a.tenant());
            List<String> where = seen.getOrDefault(id, List.of());
            if (where.size() > 1) {
                found.duplicated().add("row " + id + " (tenant " + a.tenant() + ") is in " + where + ", expected once in " + expected);
            } else if (!where.equals(List.of(expected))) {
                found.lost().add("row " + id + " (tenant " + a.tenant() + ") is in " + where + ", expected in " + expected);
            } else if (!a.note().equals(notes.get(id))) {
                found.lost().add("row " + id + " has '" + notes.get(id) + "', last acknowledged '" + a.note() + "'");
            }
        });
        return found;
    }
}
