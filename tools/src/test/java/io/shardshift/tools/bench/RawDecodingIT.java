package io.shardshift.tools.bench;

import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The raw part of capture: {@code pg_recvlogical} decodes a real slot's changes to the end LSN, or fails loudly. */
class RawDecodingIT {
    private static final String DATABASE = "raw";
    private static DevPostgres postgres;
    private static Path binary;

    @BeforeAll
    static void start() throws Exception {
        binary = RawDecoding.findBinary().orElse(null);
        assumeThat(binary).as("pg_recvlogical on this machine").isNotNull();
        postgres = DevPostgres.start();
        postgres.createDatabase(DATABASE);
        try (Connection c = postgres.connect(DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)");
            st.execute("ALTER TABLE items REPLICA IDENTITY FULL");
            st.execute("CREATE PUBLICATION raw_pub FOR TABLE items");
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldDecodeEveryChangeUpToTheEndLsnAndDropItsSlot() throws Exception {
        String endLsn;
        try (Connection c = postgres.connect(DATABASE); Statement st = c.createStatement()) {
            RawDecoding.createSlot(c);
            st.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
            st.execute("UPDATE items SET name = name || '!'");
            endLsn = RawDecoding.currentLsn(c);
        }

        RawDecoding.Result result = RawDecoding.run(binary, "127.0.0.1", postgres.port(), DATABASE, postgres.user(),
                postgres.password(), "raw_pub", endLsn, 10_000);

        assertThat(result.events()).isEqualTo(10_000);
        assertThat(result.eventsPerSecond()).isPositive();
        try (Connection c = postgres.connect(DATABASE)) {
            RawDecoding.checkReached(c, endLsn);
            RawDecoding.dropSlot(c);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                         + RawDecoding.SLOT + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void shouldFailNamingTheErrorWhenThePublicationIsMissing() throws Exception {
        String endLsn;
        try (Connection c = postgres.connect(DATABASE); Statement st = c.createStatement()) {
            RawDecoding.createSlot(c);
            st.execute("INSERT INTO items VALUES (100001, 'late')");
            endLsn = RawDecoding.currentLsn(c);
        }
        try {
            assertThatThrownBy(() -> RawDecoding.run(binary, "127.0.0.1", postgres.port(), DATABASE, postgres.user(),
                    postgres.password(), "no_such_pub", endLsn, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pg_recvlogical exited with")
                    .hasMessageContaining("no_such_pub");
            try (Connection c = postgres.connect(DATABASE)) {
                assertThatThrownBy(() -> RawDecoding.checkReached(c, endLsn))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("short of the end LSN");
            }
        } finally {
            try (Connection c = postgres.connect(DATABASE)) {
                RawDecoding.dropSlot(c);
            }
        }
    }
}
