package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.devstack.DevSolr;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.common.SolrInputDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: prints the sink's indexing rate during a backfill-like load (snapshot rows, batches of 1000)
 * beside a raw SolrJ bulk load of the same documents, pre-built, into a collection of the same shape (same
 * configset, version guard on, 2 shards on 2 nodes), and the end-to-end latency from {@code apply} to
 * searchable at a given commitWithin.
 *
 * <p>Rounds alternate which load goes first. Run:
 * {@code java -cp <test classpath> io.shardshift.sink.solr.SolrSinkBenchmark [rows] [rounds]}.
 */
public final class SolrSinkBenchmark {
    private static final int BATCH = 1000;

    private SolrSinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (DevSolr solr = DevSolr.start(2)) {
            CloudSolrClient client = solr.client();
            SolrProvisioner provisioner = new SolrProvisioner(client);
            List<ChangeEvent> events = backfillRows(rows);
            List<SolrInputDocument> rawDocs = rawDocs(events);

            System.out.printf("warm-up with %d rows%n", Math.min(rows, 30_000));
            runRaw(solr, provisioner, "warmraw", rawDocs.subList(0, Math.min(rows, 30_000)));
            runSink(solr, provisioner, "warmsink", events.subList(0, Math.min(rows, 30_000)));

            double[] raw = new double[rounds];
            double[] sink = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    raw[r] = runRaw(solr, provisioner, "raw" + r, rawDocs);
                    sink[r] = runSink(solr, provisioner, "sink" + r, events);
                } else {
                    sink[r] = runSink(solr, provisioner, "sink" + r, events);
                    raw[r] = runRaw(solr, provisioner, "raw" + r, rawDocs);
                }
                System.out.printf("round %d: raw SolrJ %,.0f docs/s, sink %,.0f docs/s, ratio %.2f%n",
                        r + 1, raw[r], sink[r], sink[r] / raw[r]);
            }
            double rawTotal = Arrays.stream(raw).map(x -> 1 / x).sum();
            double sinkTotal = Arrays.stream(sink).map(x -> 1 / x).sum();
            Arrays.sort(raw);
            Arrays.sort(sink);
            System.out.printf("%d rounds of %,d rows in batches of %d: best raw SolrJ %,.0f docs/s, best sink %,.0f docs/s"
                    + " (ratio of bests %.2f, ratio of total times %.2f)%n", rounds, rows, BATCH, raw[rounds - 1],
                    sink[rounds - 1], sink[rounds - 1] / raw[rounds - 1], rawTotal / sinkTotal);

            for (int commitWithin : new int[] {1000, 200}) {
                latencyToSearchable(solr, provisioner, commitWithin, 20);
            }
        }
    }

    private static double runRaw(DevSolr solr, SolrProvisioner provisioner, String base, List<SolrInputDocument> docs)
            throws Exception {
        SolrTargetConfig config = config(solr, base, 60_000);
        provisioner.createCollection(config, Orders.SCHEMA);
        CloudSolrClient client = solr.client();
        long start = System.nanoTime();
        for (int from = 0; from < docs.size(); from += BATCH) {
            UpdateRequest request = new UpdateRequest();
            request.add(docs.subList(from, Math.min(docs.size(), from + BATCH)));
            request.setCommitWithin(config.commitWithinMs());
            request.process(client, config.collectionName());
        }
        double rate = docs.size() / seconds(start);
        check(client, config.collectionName(), docs.size());
        return rate;
    }

    private static double runSink(DevSolr solr, SolrProvisioner provisioner, String base, List<ChangeEvent> events)
            throws Exception {
        SolrTargetConfig config = config(solr, base, 60_000);
        provisioner.createCollection(config, Orders.SCHEMA);
        long start = System.nanoTime();
        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, solr.client())) {
            for (int from = 0; from < events.size(); from += BATCH) {
                if (!sink.apply(events.subList(from, Math.min(events.size(), from + BATCH))).isEmpty()) {
                    throw new IllegalStateException("rows rejected");
                }
            }
        }
        double rate = events.size() / seconds(start);
        check(solr.client(), config.collectionName(), events.size());
        return rate;
    }

    private static void latencyToSearchable(DevSolr solr, SolrProvisioner provisioner, int commitWithinMs, int samples)
            throws Exception {
        SolrTargetConfig config = config(solr, "latency" + commitWithinMs, commitWithinMs);
        provisioner.createCollection(config, Orders.SCHEMA);
        CloudSolrClient client = solr.client();
        long[] millis = new long[samples];
        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            for (int i = 0; i < samples; i++) {
                Map<String, String> row = Orders.row("t" + (i % 7), i, i);
                long lsn = 1_000 + i;
                long start = System.nanoTime();
                sink.apply(List.of(ChangeEvent.create(Orders.TABLE, Orders.keyOf(row), row,
                        SourcePosition.streamed(lsn, lsn, System.currentTimeMillis()))));
                SolrQuery q = new SolrQuery("_ss_lsn:" + lsn).setRows(0);
                while (client.query(config.collectionName(), q).getResults().getNumFound() == 0) {
                    Thread.onSpinWait();
                }
                millis[i] = (System.nanoTime() - start) / 1_000_000;
            }
        }
        Arrays.sort(millis);
        System.out.printf("apply-to-searchable at commitWithin=%d ms (%d samples): p50 %d ms, p95 %d ms, max %d ms%n",
                commitWithinMs, samples, millis[samples / 2], millis[(int) Math.ceil(samples * 0.95) - 1],
                millis[samples - 1]);
    }

    private static SolrTargetConfig config(DevSolr solr, String base, int commitWithinMs) {
        return Orders.config(solr.zkHost(), base, 1, 2).withCommitWithinMs(commitWithinMs);
    }

    private static List<ChangeEvent> backfillRows(int rows) {
        List<ChangeEvent> events = new ArrayList<>(rows);
        SourcePosition snapshot = SourcePosition.snapshotAt(1_000, System.currentTimeMillis());
        for (int i = 0; i < rows; i++) {
            Map<String, String> row = new LinkedHashMap<>(Orders.row("tenant" + (i % 100), i, i));
            row.put("note", "order " + i + " for customer " + (i * 7919 % 100_000) + ", shipped by ground, two boxes");
            events.add(ChangeEvent.read(Orders.TABLE, Orders.keyOf(row), row, snapshot));
        }
        return events;
    }

    /** The documents the sink writes for these rows, built up front so the raw load measures Solr alone. */
    private static List<SolrInputDocument> rawDocs(List<ChangeEvent> events) {
        List<SolrInputDocument> docs = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            Map<String, String> r = e.after();
            SolrInputDocument doc = new SolrInputDocument();
            doc.setField("id", r.get("tenant_id") + "!" + r.get("id"));
            doc.setField("_ss_lsn", 0L);
            doc.setField("tenant_id", r.get("tenant_id"));
            doc.setField("orders_id", Long.parseLong(r.get("id")));
            doc.setField("status", r.get("status"));
            doc.setField("total", Double.parseDouble(r.get("total")));
            doc.setField("qty", Integer.parseInt(r.get("qty")));
            doc.setField("paid", "t".equals(r.get("paid")));
            doc.setField("created_at", Date.from(Instant.parse(
                    r.get("created_at").replace(' ', 'T').replace("+00", "Z"))));
            doc.setField("note", r.get("note"));
            docs.add(doc);
        }
        return docs;
    }

    private static void check(CloudSolrClient client, String collection, long expected) throws Exception {
        client.commit(collection);
        long found = client.query(collection, new SolrQuery("*:*").setRows(0)).getResults().getNumFound();
        if (found != expected) {
            throw new IllegalStateException(collection + " holds " + found + " documents, expected " + expected);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
