package io.shardshift.cdc.internal;

import io.shardshift.core.event.KeyText;
import io.shardshift.core.spec.Secrets;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens JDBC connections to PostgreSQL with bounded connect and login timeouts, and turns connection
 * failures into messages that never contain the password.
 */
public final class PgConnections {
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private PgConnections() {
    }

    /** Opens a connection; the caller closes it. */
    public static Connection open(String jdbcUrl, String user, String password, String applicationName)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * Opens a connection whose session prints values in canonical key text ({@link KeyText#SESSION_SETTINGS}):
     * for every connection that reads key or shard key text, such as the backfill's {@code COPY}.
     */
    public static Connection openCanonical(String jdbcUrl, String user, String password, String applicationName)
            throws SQLException {
        Connection c = open(jdbcUrl, user, password, applicationName);
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

    /** The error's message (and its causes'), with the password masked should a driver ever echo it. */
    public static String describe(Throwable error, String password) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null && sb.length() < 2000; t = t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append("; caused by: ");
            }
            sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        String text = sb.toString();
        return password == null || password.isEmpty() ? text : text.replace(password, "******");
    }

    /**
     * The host, port and database of a single-host PostgreSQL JDBC URL.
     *
     * @param host     the host
     * @param port     the port
     * @param database the database name
     * @param sslMode  the {@code sslmode} URL parameter, or {@code null}
     */
    public record Endpoint(String host, int port, String database, String sslMode) {

        /**
         * Parses a JDBC URL with the driver's own parser.
         *
         * @param field the spec field the URL came from, for the error
         * @throws IllegalArgumentException naming the field when the URL is not a single-host PostgreSQL URL
         */
        public static Endpoint parse(String jdbcUrl, String field) {
            Properties p = Driver.parseURL(jdbcUrl, new Properties());
            if (p == null) {
                throw new IllegalArgumentException(field + ": '" + Secrets.maskCredentials(jdbcUrl) + "' is not a PostgreSQL JDBC URL");
            }
            String host = p.getProperty("PGHOST", "localhost");
            String port = p.getProperty("PGPORT", "5432");
            if (host.contains(",") || port.contains(",")) {
                throw new IllegalArgumentException(field + ": '" + Secrets.maskCredentials(jdbcUrl)
                        + "' names several hosts; logical replication needs the one primary");
            }
            return new Endpoint(host, Integer.parseInt(port), p.getProperty("PGDBNAME"), p.getProperty("sslmode"));
        }
    }
}
