package io.shardshift.migrator.cli;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.migrator.http.ApiToken;
import io.shardshift.migrator.http.HttpApi;
import io.shardshift.rebalance.LiveLauncher;
import io.shardshift.rebalance.RebalanceRegistry;
import io.shardshift.migrator.http.RebalanceRoutes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code shardshift serve --spec base.yaml}: validates the base spec and serves the rebalance API without
 * starting anything; each {@code POST /v1/rebalance/db/rehome} or {@code /v1/rebalance/search/start} then
 * starts a rebalance derived from the base spec. Runs until stopped (Ctrl-C), which stops every rebalance.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Validate a base spec and serve the rebalance API (db/rehome, search/start, status, cutover,"
                + " rollback); nothing starts until asked. Runs until stopped (Ctrl-C).")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--spec", required = true, description = "The base spec (YAML) rebalances derive from.")
    Path spec;

    @Option(names = "--state-dir", description = "Local state of the rebalances (default: .shardshift/<name>).")
    Path stateDir;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Port of the HTTP API (0: any free port; default ${DEFAULT-VALUE}).")
    int httpPort;

    @Mixin
    BindOptions bindOptions = new BindOptions();

    @Override
    public Integer call() throws Exception {
        MigrationSpec base = SpecLoader.load(spec);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be between 0 and 65535, was " + httpPort);
        }
        Path state = stateDir != null ? stateDir : Path.of(".shardshift", base.name());
        ApiToken token = ApiToken.resolve(null, System.getenv(), System.out);
        CountDownLatch stop = new CountDownLatch(1);
        try (RebalanceRegistry registry = new RebalanceRegistry(base, state, new LiveLauncher());
             HttpApi api = HttpApi.create(bindOptions.bind(), httpPort, token, bindOptions.allowedHosts())) {
            RebalanceRoutes.register(api, registry);
            api.start();
            System.out.println("shardshift: serving rebalances of " + base.name() + " at " + api.url()
                    + "v1/rebalance (POST db/rehome or search/start to begin)");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                registry.close();
            }, "shardshift-shutdown"));
            stop.await();
            return 0;
        }
    }
}
