package io.shardshift.migrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code shardshift cutover --url URL --token T}: asks a running migrator to cut over now (gates, freeze,
 * drain to the fence, flip, unfreeze). Exit 0 when the new layout is live, 1 when the cutover aborted (the
 * old layout stays live; the reason is printed), 2 when the API cannot be reached or refuses the token.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Cut a running migration over to its new layout (through the migrator's HTTP API).")
public final class CutoverCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "The migrator's API, e.g. http://127.0.0.1:8080.")
    String url;

    @Option(names = "--token", required = true, defaultValue = "${env:SHARDSHIFT_API_TOKEN}",
            description = "The API token (default: $SHARDSHIFT_API_TOKEN).")
    String token;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return new ApiClient(url, token).call("POST", "/v1/cutover", "{}", spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
