package io.shardshift.migrator.http;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The bearer token every API call that changes something or answers data must present
 * ({@code Authorization: Bearer <token>}), the dashboard's data fetches and Prometheus' scrapes included. Taken from
 * the caller, else from the environment variable {@value #ENV}, else generated at start and printed once.
 * Its {@link #toString()} is masked so it never reaches a log by accident.
 */
public final class ApiToken {
    /** The environment variable that holds the token. */
    public static final String ENV = "SHARDSHIFT_API_TOKEN";

    private final byte[] value;

    private ApiToken(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /** A given token; it must not be blank. */
    public static ApiToken of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the API token must not be blank");
        }
        return new ApiToken(value.strip());
    }

    /** A random token of 32 hex digits. */
    public static ApiToken generate() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new ApiToken(HexFormat.of().formatHex(bytes));
    }

    /**
     * The token to use: {@code explicit} if given, else {@value #ENV} from {@code env}, else a generated one,
     * which is printed once to {@code announce} (the only place it is ever shown).
     */
    public static ApiToken resolve(String explicit, Map<String, String> env, PrintStream announce) {
        if (explicit != null && !explicit.isBlank()) {
            return of(explicit);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return of(fromEnv);
        }
        ApiToken token = generate();
        announce.println("shardshift: API token for the HTTP API, the dashboard and /metrics (shown once; set " + ENV
                + " to choose it): "
                + token.value());
        return token;
    }

    /** Whether a presented token equals this one (in constant time). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The token itself, to hand to a client; never log it. */
    public String value() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiToken[****]";
    }
}
