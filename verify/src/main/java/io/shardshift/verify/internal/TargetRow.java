package io.shardshift.verify.internal;

/**
 * A row one target holds.
 *
 * @param target the target's name
 * @param key    the primary key
 * @param text   the row's text form over the source's columns (the fence column left out)
 * @param fence  the stored fence {@code _ss_lsn}: the LSN of the last change applied, 0 for a backfilled row
 */
public record TargetRow(String target, RowKey key, String text, long fence) {
}
