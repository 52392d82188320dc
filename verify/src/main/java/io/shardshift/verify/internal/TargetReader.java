package io.shardshift.verify.internal;

import io.shardshift.verify.VerifyException;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the verifier needs from one target, whatever its kind: checksums of a key range grouped by shard
 * key value, the rows of a key range or of given keys (with their fences), and the tombstones of given
 * keys. A PostgreSQL target computes checksums inside the database ({@link PgTargetReader}); a search
 * target would compute them over the documents of the range. Failures are thrown as {@link VerifyException}.
 */
public interface TargetReader extends AutoCloseable {

    /** The target's name in the spec. */
    String name();

    /** The checksum of the rows this target holds in the range, per shard key value ({@link ShardValues}). */
    Map<String, ChunkSum> chunkSums(KeyRange range, String tenant);

    /** The rows this target holds in the range. */
    List<TargetRow> rows(KeyRange range, String tenant);

    /** The rows this target holds for these keys. */
    List<TargetRow> rowsByKeys(Collection<RowKey> keys);

    /** The tombstone LSN of each of these keys that has one on this target. */
    Map<RowKey, Long> tombstones(Collection<RowKey> keys);

    @Override
    void close();
}
