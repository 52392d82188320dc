package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The source PostgreSQL database (the system of record), read through logical replication.
 *
 * @param jdbcUrl     JDBC URL, {@code jdbc:postgresql://host:port/db}
 * @param user        a user with the REPLICATION attribute and SELECT on the tables
 * @param password    the password; write {@code ${env:NAME}} to take it from the environment
 * @param slotName    the logical replication slot (default {@code shardshift_<name>})
 * @param publication the publication (default {@code shardshift_<name>})
 */
public record SourceSpec(@JsonProperty(required = true) String jdbcUrl,
                         @JsonProperty(required = true) String user,
                         String password,
                         String slotName,
                         String publication) {

    @Override
    public String toString() {
        return "SourceSpec[jdbcUrl=" + Secrets.maskCredentials(jdbcUrl) + ", user=" + user + ", password=" + Secrets.mask(password)
                + ", slotName=" + slotName + ", publication=" + publication + "]";
    }
}
