package io.shardshift.sink.pg.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Classifies database errors by SQLSTATE, in the manner of Debezium's {@code PostgresErrorHandler}: what a
 * retry may fix, what is wrong with the data of one event, and what needs an operator.
 */
public final class SqlStates {

    /** What to do about an error. */
    public enum Kind {
        /** Connection lost, serialization failure or deadlock, lack of resources, operator intervention: retry. */
        RETRIABLE,
        /** A value the target rejects (data exception, constraint violation, type mismatch): reject the event. */
        DATA,
        /** Anything else (bad credentials, missing table, syntax): retrying cannot help; stop. */
        FATAL
    }

    private static final Set<String> RETRIABLE_CLASSES = Set.of("08", "40", "53", "57", "58");
    private static final Set<String> DATA_CLASSES = Set.of("21", "22", "23");
    private static final Set<String> DATA_STATES = Set.of(
            "42804", // datatype_mismatch
            "42846", // cannot_coerce
            "2F002", "2F003", "2F004");
    private static final Set<String> FATAL_STATES = Set.of(
            "57P04" // database_dropped: no retry brings it back
    );

    private static final Set<String> OUTAGE_STATES = Set.of(
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03" // cannot_connect_now: starting up, shutting down, in recovery
    );

    private SqlStates() {
    }

    /**
     * Whether the error says the target cannot be reached rather than anything about the work: connection
     * refused, reset or timed out (class 08, or an I/O failure with no state), the server shutting down or
     * not yet accepting connections (57P01-57P03). Such an error is an outage: waiting may fix it.
     */
    public static boolean isOutage(SQLException e) {
        String state = state(e);
        if (state == null) {
            return classify(e) == Kind.RETRIABLE;
        }
        return state.startsWith("08") || OUTAGE_STATES.contains(state);
    }

    /** Classifies a SQLSTATE; {@code null} (no state, as for an I/O failure) is {@link Kind#RETRIABLE}. */
    public static Kind classify(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return Kind.RETRIABLE;
        }
        if (FATAL_STATES.contains(sqlState)) {
            return Kind.FATAL;
        }
        String cls = sqlState.substring(0, 2);
        if (RETRIABLE_CLASSES.contains(cls)) {
            return Kind.RETRIABLE;
        }
        if (DATA_CLASSES.contains(cls) || DATA_STATES.contains(sqlState)) {
            return Kind.DATA;
        }
        return Kind.FATAL;
    }

    /**
     * Classifies an exception by its SQLSTATE, looking through the chain of next exceptions for the first
     * one that has a state. An exception with no state is retriable only when JDBC or its cause says it is
     * about the connection (an I/O failure); otherwise it is fatal.
     */
    public static Kind classify(SQLException e) {
        String state = state(e);
        if (state != null) {
            return classify(state);
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException || causedByIo(e)) {
            return Kind.RETRIABLE;
        }
        return Kind.FATAL;
    }

    /** The first SQLSTATE in the exception or its chain of next exceptions, or {@code null}. */
    public static String state(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
