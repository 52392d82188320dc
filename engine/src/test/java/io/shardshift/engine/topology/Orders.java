package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;

import java.util.LinkedHashMap;
import java.util.Map;

/** Change events of a sample {@code public.orders(id, tenant_id, total)} table, sharded by tenant_id. */
final class Orders {
    static final TableId TABLE = TableId.parse("public.orders");
    static final String SHARD_KEY = "tenant_id";
    static final long COMMIT_MILLIS = 1_700_000_000_000L;

    private Orders() {
    }

    static ChangeEvent insert(String id, String tenant, String total, long lsn) {
        return ChangeEvent.create(TABLE, key(id), row(id, tenant, total), at(lsn));
    }

    static ChangeEvent update(String id, String tenant, String total, long lsn) {
        return ChangeEvent.update(TABLE, key(id), row(id, tenant, total), row(id, tenant, total), at(lsn));
    }

    static ChangeEvent update(String id, String oldTenant, String newTenant, String total, long lsn) {
        return ChangeEvent.update(TABLE, key(id), row(id, oldTenant, total), row(id, newTenant, total), at(lsn));
    }

    static ChangeEvent delete(String id, String tenant, long lsn) {
        return ChangeEvent.delete(TABLE, key(id), row(id, tenant, null), at(lsn));
    }

    static ChangeEvent snapshotRow(String id, String tenant, String total) {
        return ChangeEvent.read(TABLE, key(id), row(id, tenant, total), SourcePosition.snapshotAt(50, COMMIT_MILLIS));
    }

    static SourcePosition at(long lsn) {
        return SourcePosition.streamed(lsn, lsn / 10, COMMIT_MILLIS + lsn);
    }

    static Map<String, String> key(String id) {
        return Map.of("id", id);
    }

    static Map<String, String> row(String id, String tenant, String total) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("tenant_id", tenant);
        row.put("total", total);
        return row;
    }
}
