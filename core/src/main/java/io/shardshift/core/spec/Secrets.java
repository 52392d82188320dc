package io.shardshift.core.spec;

import java.util.regex.Pattern;

/** Masks secrets for logs and messages. */
public final class Secrets {
    /** What a secret is shown as. */
    public static final String MASK = "******";

    /** {@code scheme://user:password@host}: the password part. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:\\s]*):([^/?#@\\s]*)@");
    /** {@code password=...}, {@code sslpassword=...} and the like in a query string or a key=value list. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:^|[?&;,\\s])[a-z_.-]*(?:password|passwd|pwd|secret|token)=)([^&;,\\s]*)");

    private Secrets() {
    }

    /** {@code null} stays {@code null}; anything else becomes {@value #MASK}. */
    public static String mask(String secret) {
        return secret == null ? null : MASK;
    }

    /**
     * The text with the credentials inside URLs masked: the password of {@code user:password@host}, and
     * the value of {@code password=}, {@code sslpassword=}, {@code secret=}, {@code token=} parameters.
     * For example {@code jdbc:postgresql://db/app?user=app&password=hunter2} becomes
     * {@code jdbc:postgresql://db/app?user=app&password=******}. {@code null} stays {@code null}.
     */
    public static String maskCredentials(String text) {
        if (text == null) {
            return null;
        }
        String masked = USER_INFO.matcher(text).replaceAll("$1:" + MASK + "@");
        return SECRET_PARAM.matcher(masked).replaceAll("$1" + MASK);
    }
}
