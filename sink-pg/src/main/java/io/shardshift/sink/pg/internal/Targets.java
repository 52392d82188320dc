package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.KeyText;
import io.shardshift.core.spec.TargetSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/** Opens connections to a target and names it in messages without its credentials. */
public final class Targets {
    private static final String MASK = "******";
    /** The longest wait to connect and log in when a timeout is given: short, so a recovered target is seen soon. */
    private static final long CONNECT_TIMEOUT_SECONDS = 10;

    private Targets() {
    }

    /**
     * Opens a connection as the target's user; the password goes in the connection properties, never in a
     * URL or message.
     */
    public static Connection connect(TargetSpec target, String purpose) throws SQLException {
        return connect(target, purpose, null);
    }

    /**
     * As {@link #connect(TargetSpec, String)}, and when {@code timeout} is given: every wait for the server's
     * answer on the open connection fails after it (a network stall then shows as an I/O error, SQLSTATE
     * 08006, instead of a read that never returns), and connecting and logging in after at most 10 s. TCP
     * keepalive is always on.
     */
    public static Connection connect(TargetSpec target, String purpose, Duration timeout) throws SQLException {
        Objects.requireNonNull(target, "target");
        if (target.jdbcUrl() == null || !target.jdbcUrl().startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("target " + target.name() + ": jdbcUrl must start with jdbc:postgresql:");
        }
        Properties props = new Properties();
        if (target.user() != null) {
            props.setProperty("user", target.user());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("ApplicationName", "shardshift-" + purpose);
        props.setProperty("tcpKeepAlive", "true");
        if (timeout != null) {
            String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
            String connectSeconds = Long.toString(Math.max(1, Math.min(CONNECT_TIMEOUT_SECONDS, timeout.toSeconds())));
            props.setProperty("socketTimeout", seconds);
            props.setProperty("connectTimeout", connectSeconds);
            props.setProperty("loginTimeout", connectSeconds);
        }
        Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
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

    /** {@code target 'name' (jdbc:postgresql://host:port/db)}: the URL without its query string. */
    public static String describe(TargetSpec target) {
        String url = target.jdbcUrl() == null ? "?" : target.jdbcUrl();
        int q = url.indexOf('?');
        return "target '" + target.name() + "' (" + (q < 0 ? url : url.substring(0, q)) + ")";
    }

    /** The text with the target's password (if any, and long enough to be recognised) masked. */
    public static String scrub(String text, TargetSpec target) {
        if (text == null) {
            return null;
        }
        String pw = target.password();
        return pw == null || pw.length() < 4 ? text : text.replace(pw, MASK);
    }
}
