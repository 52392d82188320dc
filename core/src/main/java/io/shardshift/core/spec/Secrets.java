package io.shardshift.core.spec;

/** Masks secrets for logs and messages. */
public final class Secrets {
    private Secrets() {
    }

    /** {@code null} stays {@code null}; anything else becomes {@code ******}. */
    public static String mask(String secret) {
        return secret == null ? null : "******";
    }
}
