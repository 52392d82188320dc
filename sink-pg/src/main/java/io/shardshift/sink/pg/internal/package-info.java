/** Internals of the PostgreSQL target: SQL building, batch reduction, error classification, sessions. */
package io.shardshift.sink.pg.internal;
