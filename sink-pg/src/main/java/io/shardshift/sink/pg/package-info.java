/**
 * The PostgreSQL target: {@link io.shardshift.sink.pg.PgProvisioner} creates the tables (with the fence
 * column and the tombstone table), {@link io.shardshift.sink.pg.PgTargetSink} applies change events fenced
 * by source LSN, {@link io.shardshift.sink.pg.PgBackfillWriter} loads the initial copy through COPY, and
 * {@link io.shardshift.sink.pg.TombstoneJanitor} removes tombstones once they cannot matter, and
 * {@link io.shardshift.sink.pg.UniqueIndexes} makes the source's unique indexes unique again at the cutover
 * (and non-unique stand-ins again when it aborts or is rolled back).
 */
package io.shardshift.sink.pg;
