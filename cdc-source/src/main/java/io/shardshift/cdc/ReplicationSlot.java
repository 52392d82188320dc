package io.shardshift.cdc;

import io.shardshift.core.event.Lsn;

/**
 * The logical replication slot (and its publication) a migration reads the change stream from.
 *
 * @param slotName           the slot
 * @param publication        the publication the slot's {@code pgoutput} decoding filters by
 * @param created            whether this call created the slot (false: it existed, e.g. on a restart)
 * @param consistentPointLsn the slot's {@code confirmed_flush_lsn}: every change committed after it is
 *                           streamed, and any snapshot taken from now on is a safe backfill
 */
public record ReplicationSlot(String slotName, String publication, boolean created, long consistentPointLsn) {

    @Override
    public String toString() {
        return "slot " + slotName + " (publication " + publication + ", " + (created ? "created" : "existing")
                + ", consistent point " + Lsn.format(consistentPointLsn) + ")";
    }
}
