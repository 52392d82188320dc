package io.shardshift.core.spec;

import io.shardshift.core.layout.Layout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Turns a {@link LayoutSpec} into a {@link Layout}, naming the field of any problem. */
final class LayoutSpecs {
    static final int DEFAULT_BUCKETS = 64;

    private LayoutSpecs() {
    }

    static Layout toLayout(LayoutSpec spec, String path) {
        long generation = spec.generation() == null ? 1 : spec.generation();
        if (generation < 1) {
            throw new SpecException(path + ".generation", "must be at least 1, was " + generation);
        }
        int buckets = spec.buckets() == null ? DEFAULT_BUCKETS : spec.buckets();
        if (buckets < 1 || buckets > 65_536) {
            throw new SpecException(path + ".buckets", "must be between 1 and 65536, was " + buckets);
        }
        boolean hasTargets = spec.targets() != null && !spec.targets().isEmpty();
        boolean hasMap = spec.bucketMap() != null && !spec.bucketMap().isEmpty();
        if (hasTargets == hasMap) {
            throw new SpecException(path, "give exactly one of 'targets' (even ranges) or 'bucketMap'");
        }
        if (hasTargets) {
            if (buckets < spec.targets().size()) {
                throw new SpecException(path + ".buckets", "(" + buckets + ") must be at least the number of targets ("
                        + spec.targets().size() + ")");
            }
            return Layout.evenRanges(generation, spec.shardKey(), buckets, spec.targets(), spec.hotTenants());
        }
        return new Layout(generation, spec.shardKey(), fromMap(spec.bucketMap(), buckets, path + ".bucketMap"),
                spec.hotTenants());
    }

    private static List<String> fromMap(Map<String, String> bucketMap, int buckets, String path) {
        String[] owner = new String[buckets];
        for (Map.Entry<String, String> e : bucketMap.entrySet()) {
            String field = path + "." + e.getKey();
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new SpecException(field, "no bucket ranges given");
            }
            for (String range : e.getValue().split(",")) {
                int[] lohi = parseRange(range.trim(), field);
                if (lohi[0] > lohi[1] || lohi[1] >= buckets) {
                    throw new SpecException(field, "range '" + range.trim() + "' is outside 0-" + (buckets - 1));
                }
                for (int b = lohi[0]; b <= lohi[1]; b++) {
                    if (owner[b] != null) {
                        throw new SpecException(field, "bucket " + b + " is already given to '" + owner[b] + "'");
                    }
                    owner[b] = e.getKey();
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            if (owner[b] == null) {
                missing.add(String.valueOf(b));
            }
        }
        if (!missing.isEmpty()) {
            throw new SpecException(path, "buckets without a target: " + String.join(",", missing));
        }
        return Arrays.asList(owner);
    }

    private static int[] parseRange(String range, String field) {
        try {
            int dash = range.indexOf('-');
            if (dash < 0) {
                int b = Integer.parseInt(range);
                return new int[] {b, b};
            }
            return new int[] {Integer.parseInt(range.substring(0, dash).trim()),
                    Integer.parseInt(range.substring(dash + 1).trim())};
        } catch (NumberFormatException e) {
            throw new SpecException(field, "'" + range + "' is not a bucket or a range like 0-31");
        }
    }
}
