package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code shardshift search status|alias|rollback|drop}: the search side of a cutover by hand. The alias
 * moves atomically ({@code CREATEALIAS}); the old collection stays for rollback until dropped.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Show or move the search alias of the spec's search targets; drop an old collection.",
        subcommands = {SearchCommand.Status.class, SearchCommand.Alias.class, SearchCommand.Rollback.class,
                SearchCommand.Drop.class})
public final class SearchCommand {

    @Option(names = "--spec", required = true, scope = picocli.CommandLine.ScopeType.INHERIT, description = "The migration spec (YAML).")
    Path spec;

    @Option(names = "--target", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The search target's name (default: the spec's only one).")
    String target;

    SolrTargetConfig config() {
        MigrationSpec migration = SpecLoader.load(spec);
        if (migration.searchTargets().isEmpty()) {
            throw new IllegalArgumentException("the spec has no search targets ('search:')");
        }
        SearchTargetSpec s = target == null ? migration.searchTargets().get(0) : migration.searchTargets().stream()
                .filter(t -> t.name().equals(target)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no search target named '" + target + "'"));
        return SolrTargetConfig.from(s, migration.shardKeyOf(io.shardshift.core.event.TableId.parse(s.table())));
    }

    /** Shows where the alias points. */
    @Command(name = "status", description = "Show the alias and whether the new collection exists.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        SearchCommand parent;

        @Override
        public Integer call() throws Exception {
            SolrTargetConfig cfg = parent.config();
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                SolrProvisioner p = new SolrProvisioner(client);
                System.out.println("alias " + cfg.alias() + " -> " + p.aliasTarget(cfg.alias()).orElse("(none)"));
                System.out.println("collection " + cfg.collectionName() + (p.collectionExists(cfg.collectionName())
                        ? " exists" : " does not exist"));
            }
            return 0;
        }
    }

    /** Points the alias at the spec's new collection. */
    @Command(name = "alias", description = "Point the alias at the spec's collection version (atomic).")
    static final class Alias implements Callable<Integer> {
        @ParentCommand
        SearchCommand parent;

        @Override
        public Integer call() throws Exception {
            SolrTargetConfig cfg = parent.config();
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                String before = new SolrProvisioner(client).pointAlias(cfg).orElse("(none)");
                System.out.println("alias " + cfg.alias() + ": " + before + " -> " + cfg.collectionName());
            }
            return 0;
        }
    }

    /** Points the alias back at an earlier version. */
    @Command(name = "rollback", description = "Point the alias back at an earlier collection version.")
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        SearchCommand parent;

        @Option(names = "--to-version", required = true, description = "The version to point back to.")
        int version;

        @Override
        public Integer call() throws Exception {
            SolrTargetConfig cfg = parent.config();
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                String before = new SolrProvisioner(client).rollbackAlias(cfg, version).orElse("(none)");
                System.out.println("alias " + cfg.alias() + ": " + before + " -> " + cfg.collectionName(version));
            }
            return 0;
        }
    }

    /** Deletes an old collection once no alias points to it. */
    @Command(name = "drop", description = "Delete an old collection version (refused while the alias points to it).")
    static final class Drop implements Callable<Integer> {
        @ParentCommand
        SearchCommand parent;

        @Option(names = "--version", required = true, description = "The version to delete.")
        int version;

        @Override
        public Integer call() throws Exception {
            SolrTargetConfig cfg = parent.config();
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                new SolrProvisioner(client).deleteCollection(cfg.collectionName(version));
                System.out.println("deleted " + cfg.collectionName(version));
            }
            return 0;
        }
    }
}
