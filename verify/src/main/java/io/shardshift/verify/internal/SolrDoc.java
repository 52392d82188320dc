package io.shardshift.verify.internal;

import java.util.Map;

/**
 * A document a search target holds, as the verifier reads it.
 *
 * @param id      the document id
 * @param fence   the stored fence {@code _ss_lsn} (0 for a backfilled document)
 * @param deleted whether it is a tombstone ({@code _ss_deleted:true}), hidden from searches
 * @param fields  every stored field's first value, by field name
 */
public record SolrDoc(String id, long fence, boolean deleted, Map<String, Object> fields) {

    /** Whether searches see it. */
    public boolean live() {
        return !deleted;
    }
}
