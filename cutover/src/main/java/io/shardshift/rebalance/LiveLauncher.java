package io.shardshift.rebalance;

import io.shardshift.core.spec.Secrets;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverService;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Starts rebalances on the real systems: a {@link MigrationRunner} per derived spec with its cutover from
 * {@link CutoverService#attach} (no HTTP server: the rebalance routes serve every rebalance). A search-only
 * spec gets a {@link SearchSwitchover} instead, since the cutover controller needs a PostgreSQL layout (it
 * publishes the layout's generations and freezes writes, neither of which a new index needs).
 */
public final class LiveLauncher implements RebalanceLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(LiveLauncher.class);

    @Override
    public void checkColumn(MigrationSpec base, TableId table, String column, String field) {
        String sql = "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = ? AND attnum > 0"
                + " AND NOT attisdropped";
        try (Connection c = DriverManager.getConnection(base.source().jdbcUrl(), base.source().user(), base.source().password());
             PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, table.quoted());
            st.setString(2, column);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw RebalanceException.invalid("'" + field + "': table " + table + " has no column '" + column + "'");
                }
            }
        } catch (SQLException e) {
            throw RebalanceException.unavailable("cannot check '" + field + "' against the source "
                    + Secrets.maskCredentials(base.source().jdbcUrl() + ": " + e.getMessage()));
        }
    }

    @Override
    public int freeVersion(SearchTargetSpec entry, int atLeast) {
        SolrTargetConfig cfg = SolrTargetConfig.from(entry, entry.shardKey() == null ? "id" : entry.shardKey());
        try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
            SolrProvisioner solr = new SolrProvisioner(client);
            int version = atLeast;
            while (solr.collectionExists(cfg.collectionName(version))) {
                version++;
            }
            return version;
        } catch (Exception e) {
            LOG.warn("cannot list the collections of {} ({}); taking version {}", entry.collection(), e.getMessage(), atLeast);
            return atLeast;
        }
    }

    @Override
    public Launched launch(MigrationSpec spec, Path stateDir, long previousGeneration) throws Exception {
        MigrationRunner runner = MigrationRunner.start(spec, stateDir.resolve("streams"));
        try {
            if (!spec.hasLayout()) {
                LOG.info("rebalance {}: search only; the alias swap cuts over (the cutover controller needs a layout)",
                        spec.name());
                AuditTrail audit = AuditTrail.toFileAndTopic(stateDir.resolve("audit.log"), spec.kafka().bootstrapServers(),
                        AuditTrail.topicOf(spec.topicPrefix()));
                return new Launched(runner, new SearchSwitchover(runner, audit, previousGeneration,
                        spec.searchTargets().get(0).version()));
            }
            CutoverController controller = CutoverService.attach(runner, stateDir.resolve("audit.log"));
            return new Launched(runner, Switchover.of(controller));
        } catch (Exception | Error e) {
            runner.close();
            throw e;
        }
    }
}
