package io.shardshift.sink.solr.internal;

import io.shardshift.core.event.ChangeEvent;
import org.apache.solr.common.SolrInputDocument;

/**
 * A document ready to send, with the fence it carries and the event it came from (for rejections).
 *
 * @param id    the document id
 * @param fence the version written to {@code _ss_lsn}
 * @param doc   the document: the row's fields, or a tombstone
 * @param event the event the document came from
 */
public record PendingDoc(String id, long fence, SolrInputDocument doc, ChangeEvent event) {
}
