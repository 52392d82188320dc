package io.shardshift.migrator.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of a command that serves the HTTP API: {@code --bind} (the address to listen on, loopback by
 * default) and {@code --allowed-host} (names clients may send in the {@code Host} header besides the bound
 * address, e.g. the compose service name {@code migrator}).
 *
 * <pre>{@code
 * shardshift migrate --spec spec.yaml --bind 0.0.0.0 --allowed-host migrator
 * }</pre>
 */
public final class BindOptions {
    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address the HTTP API listens on (default ${DEFAULT-VALUE}: this machine only;"
                    + " 0.0.0.0: every interface, e.g. in a container). Every data route needs the API token.")
    String bind;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "A host name clients use to reach the API (repeatable), e.g. the compose service name;"
                    + " requests naming any other host are refused (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    /** The address to listen on. */
    public String bind() {
        return bind;
    }

    /** The further host names accepted in the {@code Host} header. */
    public List<String> allowedHosts() {
        return List.copyOf(allowedHosts);
    }
}
