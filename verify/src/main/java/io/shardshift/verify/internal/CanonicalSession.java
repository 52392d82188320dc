package io.shardshift.verify.internal;

import io.shardshift.core.event.KeyText;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Puts a verifier connection in the session settings of canonical key text ({@link KeyText#SESSION_SETTINGS}),
 * so the row keys and shard values it prints with {@code ::text} are the text the stream, the backfill and
 * the router use, whatever the server's or the JVM's defaults (the driver sends the JVM's time zone).
 */
public final class CanonicalSession {
    private CanonicalSession() {
    }

    /** Applies the settings and returns the connection; closes it when they fail. */
    public static Connection of(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String setting : KeyText.SESSION_SETTINGS) {
                st.execute(setting);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
