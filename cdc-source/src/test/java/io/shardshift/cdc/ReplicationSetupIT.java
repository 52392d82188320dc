package io.shardshift.cdc;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.shardshift.cdc.CdcTestSupport.queryLong;
import static io.shardshift.cdc.CdcTestSupport.spec;
import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class ReplicationSetupIT {
    private static DevPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = DevPostgres.start();
        pg.createDatabase("app");
        sql(pg, "app",
                "CREATE TABLE a (id int PRIMARY KEY, tenant_id text)",
                "CREATE TABLE b (id int PRIMARY KEY, tenant_id text)");
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldCreatePublicationThenSlotOnceAndReuseThem() throws Exception {
        MigrationSpec spec = spec("setup", pg, "app", "127.0.0.1:9", List.of("a", "b"));

        ReplicationSlot first = ReplicationSetup.ensure(spec);
        sql(pg, "app", "INSERT INTO a VALUES (1, 'x')");
        ReplicationSlot second = ReplicationSetup.ensure(spec);

        assertThat(first.created()).isTrue();
        assertThat(first.slotName()).isEqualTo("shardshift_setup");
        assertThat(first.consistentPointLsn()).isPositive();
        assertThat(second.created()).isFalse();
        assertThat(second.consistentPointLsn()).isEqualTo(first.consistentPointLsn());
        assertThat(queryLong(pg, "app",
                "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'shardshift_setup'")).isEqualTo(2);
        assertThat(queryLong(pg, "app", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'shardshift_setup'"
                + " AND plugin = 'pgoutput'")).isEqualTo(1);

        ReplicationSetup.drop(spec);

        assertThat(queryLong(pg, "app", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'shardshift_setup'"))
                .isZero();
        assertThat(queryLong(pg, "app", "SELECT count(*) FROM pg_publication WHERE pubname = 'shardshift_setup'"))
                .isZero();
        ReplicationSetup.drop(spec);
    }

    @Test
    void shouldAddMissingTablesToExistingPublication() throws Exception {
        sql(pg, "app", "CREATE PUBLICATION shardshift_grow FOR TABLE a");
        MigrationSpec spec = spec("grow", pg, "app", "127.0.0.1:9", List.of("a", "b"));

        ReplicationSetup.ensure(spec);

        assertThat(queryLong(pg, "app",
                "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'shardshift_grow'")).isEqualTo(2);
        ReplicationSetup.drop(spec);
    }

    @Test
    void shouldRefuseSlotOfAnotherPlugin() throws Exception {
        sql(pg, "app", "SELECT pg_create_logical_replication_slot('shardshift_other', 'test_decoding')");
        MigrationSpec spec = spec("other", pg, "app", "127.0.0.1:9", List.of("a"));

        assertThatThrownBy(() -> ReplicationSetup.ensure(spec))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shardshift_other").hasMessageContaining("test_decoding");
        ReplicationSetup.drop(spec);
    }
}
