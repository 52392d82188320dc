package io.shardshift.engine.topology.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.engine.topology.TablePauses;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One task's changes of paused tables, kept in order in a changelogged store, so they survive a restart
 * and are applied, in the order they were read, once the table is resumed. The key is the table name, a
 * zero byte and a sequence number; sequence 0 holds the table's {@link TablePauses.Pause}.
 */
public final class ParkedChanges {
    /**
     * A parked change record with where it came from.
     *
     * @param key       the record key
     * @param value     the record value
     * @param topic     the change topic
     * @param partition the partition
     * @param offset    the offset
     */
    public record Parked(byte[] key, byte[] value, String topic, int partition, long offset) {
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final TablePauses pauses;
    private final Set<TableId> tables = new HashSet<>();
    private long sequence;

    /** Reads what the store holds: the tables with parked changes, and their pauses into {@code pauses}. */
    public ParkedChanges(KeyValueStore<Bytes, byte[]> store, TablePauses pauses) {
        this.store = store;
        this.pauses = pauses;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                long seq = ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES).getLong();
                sequence = Math.max(sequence, seq);
                if (seq == 0) {
                    TablePauses.Pause p = decodePause(kv.value);
                    tables.add(p.table());
                    pauses.restore(p);
                    pauses.holding(p.table());
                }
            }
        }
    }

    /** Whether this task holds changes of the table. */
    public boolean holds(TableId table) {
        return tables.contains(table);
    }

    /** The tables this task holds changes of. */
    public Set<TableId> tables() {
        return Set.copyOf(tables);
    }

    /** Parks a change of a paused table after the ones parked before. */
    public void park(TablePauses.Pause pause, Parked change) {
        if (tables.add(pause.table())) {
            store.put(key(pause.table(), 0), encodePause(pause));
            pauses.holding(pause.table());
        }
        store.put(key(pause.table(), ++sequence), encode(change));
    }

    /**
     * Removes and returns the table's parked changes in order; the caller reports them written with
     * {@link TablePauses#released} once it has written them.
     */
    public List<Parked> release(TableId table) {
        List<Parked> out = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(key(table, 0), key(table, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                keys.add(kv.key);
                byte[] k = kv.key.get();
                if (ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES).getLong() != 0) {
                    out.add(decode(kv.value));
                }
            }
        }
        keys.forEach(store::delete);
        tables.remove(table);
        return out;
    }

    private static Bytes key(TableId table, long seq) {
        byte[] name = table.toString().getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(name.length + 1 + Long.BYTES).put(name).put((byte) 0).putLong(seq).array());
    }

    private static byte[] encode(Parked p) {
        return write(out -> {
            out.writeUTF(p.topic());
            out.writeInt(p.partition());
            out.writeLong(p.offset());
            out.writeInt(p.key() == null ? -1 : p.key().length);
            if (p.key() != null) {
                out.write(p.key());
            }
            out.writeInt(p.value().length);
            out.write(p.value());
        });
    }

    private static Parked decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            int keyLength = in.readInt();
            byte[] key = keyLength < 0 ? null : in.readNBytes(keyLength);
            byte[] value = in.readNBytes(in.readInt());
            return new Parked(key, value, topic, partition, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("a parked change cannot be read", e);
        }
    }

    private static byte[] encodePause(TablePauses.Pause p) {
        return write(out -> {
            out.writeUTF(p.table().schema());
            out.writeUTF(p.table().table());
            out.writeUTF(p.reason());
            out.writeLong(p.lsn());
            out.writeLong(p.sinceMillis());
            out.writeInt(p.eventColumns().size());
            for (String c : p.eventColumns()) {
                out.writeUTF(c);
            }
        });
    }

    private static TablePauses.Pause decodePause(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            TableId table = new TableId(in.readUTF(), in.readUTF());
            String reason = in.readUTF();
            long lsn = in.readLong();
            long since = in.readLong();
            int n = in.readInt();
            Set<String> columns = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                columns.add(in.readUTF());
            }
            return new TablePauses.Pause(table, reason, lsn, columns, since);
        } catch (IOException e) {
            throw new UncheckedIOException("a parked pause cannot be read", e);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
