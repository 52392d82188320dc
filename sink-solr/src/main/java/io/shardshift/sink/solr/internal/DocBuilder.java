package io.shardshift.sink.solr.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.RejectedEvent;
import org.apache.solr.common.SolrInputDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a batch of change events into the documents to send: a full document per upsert (fenced by the
 * event's {@link io.shardshift.core.event.SourcePosition#fence()}), a tombstone
 * ({@code id, _ss_lsn, _ss_deleted=true}) per delete, and, when an update moves a row to another tenant,
 * a tombstone for the old id too. Within the batch it keeps per id the document Solr's version guard
 * would keep: the highest fence, the first one among equal fences, so applying the reduced batch equals
 * applying the events one by one.
 *
 * <p>Events of other tables are skipped, so one stream may feed several targets. A value that does not
 * fit its field's type, a missing shard key and {@code TRUNCATE} are rejected with the reason.
 */
public final class DocBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(DocBuilder.class);

    private final String target;
    private final TableId table;
    private final FieldMap fields;
    private final DocIds ids;

    /** A batch turned into documents, and the events that could not be. */
    public record Result(List<PendingDoc> docs, List<RejectedEvent> rejected) {
    }

    public DocBuilder(String target, TableId table, FieldMap fields, DocIds ids) {
        this.target = Objects.requireNonNull(target, "target");
        this.table = Objects.requireNonNull(table, "table");
        this.fields = Objects.requireNonNull(fields, "fields");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** Builds and reduces the documents of a batch. */
    public Result build(List<ChangeEvent> batch) {
        Map<String, PendingDoc> byId = new LinkedHashMap<>();
        List<RejectedEvent> rejected = new ArrayList<>();
        int skipped = 0;
        for (ChangeEvent event : batch) {
            if (!event.table().equals(table)) {
                skipped++;
                continue;
            }
            try {
                for (PendingDoc doc : docsOf(event)) {
                    byId.merge(doc.id(), doc, (kept, next) -> next.fence() > kept.fence() ? next : kept);
                }
            } catch (IllegalArgumentException e) {
                String reason = "table " + table + " key " + event.key() + " at " + event.position() + ": "
                        + e.getMessage();
                LOG.warn("Solr target {} rejects {}", target, reason);
                rejected.add(new RejectedEvent(event, target, reason));
            }
        }
        if (skipped > 0) {
            LOG.debug("Solr target {} skipped {} event(s) of other tables", target, skipped);
        }
        return new Result(new ArrayList<>(byId.values()), rejected);
    }

    private List<PendingDoc> docsOf(ChangeEvent event) {
        if (event.op() == Operation.TRUNCATE) {
            throw new IllegalArgumentException("TRUNCATE is not applied to Solr; delete the rows or rebuild the collection");
        }
        long fence = event.position().fence();
        String tenant = shardKeyValue(event);
        String id = idOf(tenant, event);
        if (event.op() == Operation.DELETE) {
            return List.of(tombstone(id, fence, event));
        }
        PendingDoc doc = new PendingDoc(id, fence, document(id, fence, event.after()), event);
        if (event.op() == Operation.UPDATE && event.before() != null && event.before().containsKey(ids.shardKey())) {
            String oldTenant = event.before().get(ids.shardKey());
            if (!Objects.equals(oldTenant, tenant)) {
                String oldId = ids.idOf(oldTenant, event.key());
                return List.of(tombstone(oldId, fence, event), doc);
            }
        }
        return List.of(doc);
    }

    private String shardKeyValue(ChangeEvent event) {
        String column = ids.shardKey();
        boolean known = (event.after() != null && event.after().containsKey(column)) || event.hasBeforeValue(column);
        if (!known) {
            throw new IllegalArgumentException("the event has no value for shard key column " + column
                    + " (is REPLICA IDENTITY FULL set?)");
        }
        return event.valueOf(column);
    }

    private String idOf(String tenant, ChangeEvent event) {
        return ids.idOf(tenant, event.key());
    }

    private SolrInputDocument document(String id, long fence, Map<String, String> row) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(FieldMap.ID, id);
        doc.setField(FieldMap.FENCE, fence);
        for (FieldMap.Column c : fields.columns()) {
            String text = row.get(c.column());
            if (text == null) {
                continue;
            }
            try {
                doc.setField(c.field(), ValueParser.parse(text, c.type()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column " + c.column() + " (Solr field " + c.field() + "): "
                        + e.getMessage(), e);
            }
        }
        return doc;
    }

    private static PendingDoc tombstone(String id, long fence, ChangeEvent event) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(FieldMap.ID, id);
        doc.setField(FieldMap.FENCE, fence);
        doc.setField(FieldMap.DELETED, Boolean.TRUE);
        return new PendingDoc(id, fence, doc, event);
    }
}
