package io.shardshift.plan;

import io.shardshift.core.layout.Layout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tenant names that hash to a chosen bucket, and small builders for planner tests. */
final class PlanFixtures {
    private static final Map<String, String> NAMES = new HashMap<>();

    private PlanFixtures() {
    }

    /** The {@code index}-th tenant name (of the form {@code t<n>}) that falls in {@code bucket} of {@code buckets}. */
    static synchronized String tenantInBucket(int bucket, int buckets, int index) {
        String key = bucket + "/" + buckets + "/" + index;
        String cached = NAMES.get(key);
        if (cached != null) {
            return cached;
        }
        int found = 0;
        for (int n = 0; ; n++) {
            String name = "t" + n;
            if (Layout.bucketOf(name, buckets) == bucket && found++ == index) {
                NAMES.put(key, name);
                return name;
            }
        }
    }

    /** One tenant per bucket, each with the given bytes and writes (rows = bytes / 100). */
    static List<TenantLoad> onePerBucket(int buckets, long[] bytes, double[] writes) {
        List<TenantLoad> loads = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            loads.add(new TenantLoad(tenantInBucket(b, buckets, 0), bytes[b] / 100, bytes[b], writes[b]));
        }
        return loads;
    }

    static long[] filled(int n, long value) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    static double[] filled(int n, double value) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
