package io.shardshift.migrator.http;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Refuses requests whose {@code Host} header names a host this server was not bound to (a DNS-rebinding
 * page names its own domain there, never the migrator's). Accepted: the names given with
 * {@code --allowed-host}; the bound address itself; {@code localhost}, {@code 127.0.0.1} and {@code [::1]} when
 * bound to a loopback or wildcard address; and, when bound to a wildcard address ({@code 0.0.0.0}), any IP
 * literal, since a rebinding page can only send a name. The port is not compared: a rebinding page reaches
 * the server on the server's own port, and a port mapping (Docker) may change the port a client sees.
 *
 * <pre>{@code
 * HostCheck check = HostCheck.forBind(InetAddress.getByName("127.0.0.1"), Set.of("migrator"));
 * check.allows("localhost:8080");   // true
 * check.allows("evil.example:8080"); // false
 * }</pre>
 */
public final class HostCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names = new TreeSet<>();
    private final boolean anyIpLiteral;

    private HostCheck(Collection<String> names, boolean anyIpLiteral) {
        names.forEach(n -> this.names.add(n.toLowerCase(Locale.ROOT)));
        this.anyIpLiteral = anyIpLiteral;
    }

    /**
     * The check for a server bound to {@code bound}.
     *
     * @param allowedNames further host names clients use (e.g. the compose service name {@code migrator})
     */
    public static HostCheck forBind(InetAddress bound, Collection<String> allowedNames) {
        Set<String> names = new TreeSet<>(allowedNames);
        names.add(bound.getHostAddress());
        if (bound.isLoopbackAddress() || bound.isAnyLocalAddress()) {
            names.addAll(LOOPBACK);
        }
        return new HostCheck(names, bound.isAnyLocalAddress());
    }

    /** Whether a request with this {@code Host} header value may be answered. */
    public boolean allows(String hostHeader) {
        String host = hostOf(hostHeader);
        if (host == null) {
            return false;
        }
        if (names.contains(host)) {
            return true;
        }
        return anyIpLiteral && (IPV4.matcher(host).matches() || host.contains(":"));
    }

    /** The accepted names, for the error message. */
    public Set<String> names() {
        return Set.copyOf(names);
    }

    private static String hostOf(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
