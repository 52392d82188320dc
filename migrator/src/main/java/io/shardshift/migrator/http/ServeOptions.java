package io.shardshift.migrator.http;

import java.time.Duration;
import java.util.List;

/**
 * How {@link DashboardServer} serves a migration.
 *
 * @param host           the address to listen on; {@code 127.0.0.1} by default (local calls only)
 * @param port           the port; 0 for any free port
 * @param token          the API token for every data or mutating call; {@code null} to take {@value ApiToken#ENV} or generate
 *                       one (printed once on standard output)
 * @param sampleInterval how often the lag is sampled (1 s by default)
 * @param historySize    samples kept for the charts (600 by default: ten minutes at 1 s)
 * @param allowedHosts   further names clients may send in the {@code Host} header (see {@link HostCheck})
 */
public record ServeOptions(String host, int port, String token, Duration sampleInterval, int historySize,
                           List<String> allowedHosts) {

    public ServeOptions {
        allowedHosts = List.copyOf(allowedHosts);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("http port must be between 0 and 65535, was " + port);
        }
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("sample interval must be positive, was " + sampleInterval);
        }
        if (historySize < 1) {
            throw new IllegalArgumentException("history size must be at least 1, was " + historySize);
        }
    }

    /** Local only, the given port and token, 1 s samples, ten minutes of history. */
    public static ServeOptions of(int port, String token) {
        return new ServeOptions("127.0.0.1", port, token, Duration.ofSeconds(1), 600, List.of());
    }

    public ServeOptions withHost(String newHost) {
        return new ServeOptions(newHost, port, token, sampleInterval, historySize, allowedHosts);
    }

    public ServeOptions withSampleInterval(Duration interval) {
        return new ServeOptions(host, port, token, interval, historySize, allowedHosts);
    }

    public ServeOptions withAllowedHosts(List<String> names) {
        return new ServeOptions(host, port, token, sampleInterval, historySize, names);
    }
}
