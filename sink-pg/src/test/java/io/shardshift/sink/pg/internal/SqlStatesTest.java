package io.shardshift.sink.pg.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.EOFException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlStatesTest {

    @ParameterizedTest
    @CsvSource({
            "08006, RETRIABLE", // connection_failure
            "08001, RETRIABLE", // sqlclient_unable_to_establish_sqlconnection
            "40001, RETRIABLE", // serialization_failure
            "40P01, RETRIABLE", // deadlock_detected
            "53300, RETRIABLE", // too_many_connections
            "53100, RETRIABLE", // disk_full
            "57P01, RETRIABLE", // admin_shutdown
            "57014, RETRIABLE", // query_canceled
            "22P02, DATA",      // invalid_text_representation
            "22001, DATA",      // string_data_right_truncation
            "22003, DATA",      // numeric_value_out_of_range
            "23502, DATA",      // not_null_violation
            "23505, DATA",      // unique_violation
            "21000, DATA",      // cardinality_violation
            "42804, DATA",      // datatype_mismatch
            "28P01, FATAL",     // invalid_password: never retried
            "28000, FATAL",     // invalid_authorization_specification
            "42P01, FATAL",     // undefined_table
            "42703, FATAL",     // undefined_column
            "42601, FATAL",     // syntax_error
            "3D000, FATAL",     // invalid_catalog_name
            "57P04, FATAL"})    // database_dropped
    void shouldClassifyBySqlState(String state, SqlStates.Kind kind) {
        assertThat(SqlStates.classify(state)).isEqualTo(kind);
        assertThat(SqlStates.classify(new SQLException("x", state))).isEqualTo(kind);
    }

    @Test
    void shouldTreatIoFailureWithoutStateAsRetriable() {
        assertThat(SqlStates.classify(new SQLException("broken pipe", null, new EOFException()))).isEqualTo(SqlStates.Kind.RETRIABLE);
    }

    @Test
    void shouldTreatUnknownFailureWithoutStateAsFatal() {
        assertThat(SqlStates.classify(new SQLException("odd"))).isEqualTo(SqlStates.Kind.FATAL);
    }

    @Test
    void shouldTakeStateFromNextException() {
        SQLException batch = new SQLException("batch failed");
        batch.setNextException(new SQLException("bad value", "22P02"));
        assertThat(SqlStates.classify(batch)).isEqualTo(SqlStates.Kind.DATA);
    }

    @ParameterizedTest
    @CsvSource({
            "08006, true",  // connection_failure: reset, I/O error, socket timeout
            "08001, true",  // unable to establish: connection refused
            "57P01, true",  // admin_shutdown: the target is stopping
            "57P02, true",  // crash_shutdown
            "57P03, true",  // cannot_connect_now: starting up
            "40P01, false", // deadlock_detected: retried, not waited for
            "53300, false", // too_many_connections
            "57014, false", // query_canceled
            "23505, false", // unique_violation
            "28P01, false"}) // invalid_password
    void shouldTellAnOutageFromOtherErrors(String state, boolean outage) {
        assertThat(SqlStates.isOutage(new SQLException("x", state))).isEqualTo(outage);
    }

    @Test
    void shouldTakeAnIoFailureWithoutStateForAnOutage() {
        assertThat(SqlStates.isOutage(new SQLException("I/O error", null, new java.net.SocketTimeoutException("Read timed out"))))
                .isTrue();
        assertThat(SqlStates.isOutage(new SQLException("no state, no cause"))).isFalse();
    }
}
