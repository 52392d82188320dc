package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One target of the new layout: a PostgreSQL database that will hold the rows the layout routes to it.
 *
 * @param name     the target's name, used by the layout ({@code [A-Za-z0-9_-]+})
 * @param type     {@code postgres}
 * @param jdbcUrl  JDBC URL of the target database
 * @param user     a user that may create tables in it
 * @param password the password; write {@code ${env:NAME}} to take it from the environment
 */
public record TargetSpec(@JsonProperty(required = true) String name,
                         String type,
                         @JsonProperty(required = true) String jdbcUrl,
                         @JsonProperty(required = true) String user,
                         String password) {

    /** The only target type of this version besides search targets. */
    public static final String POSTGRES = "postgres";

    @Override
    public String toString() {
        return "TargetSpec[name=" + name + ", type=" + type + ", jdbcUrl=" + Secrets.maskCredentials(jdbcUrl) + ", user=" + user
                + ", password=" + Secrets.mask(password) + "]";
    }
}
