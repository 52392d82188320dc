package io.shardshift.core.spec;

import io.shardshift.core.layout.Layout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Turns a {@link LayoutSpec} into a {@link Layout}, naming the field of every problem. */
final class LayoutSpecs {
    private LayoutSpecs() {
    }

    /** The layout; a {@link SpecException} lists every problem of the section. */
    static Layout toLayout(LayoutSpec spec, String path) {
        Problems problems = new Problems();
        Layout layout = check(spec, path, problems);
        problems.throwIfAny();
        return layout;
    }

    /** The layout, or {@code null} after adding the section's problems. */
    static Layout check(LayoutSpec spec, String path, Problems problems) {
        long generation = spec.generation() == null ? SpecDefaults.LAYOUT_GENERATION : spec.generation();
        if (generation < 1) {
            problems.add(path + ".generation", "must be at least 1, was " + generation);
        }
        int buckets = spec.buckets() == null ? SpecDefaults.LAYOUT_BUCKETS : spec.buckets();
        if (buckets < 1 || buckets > SpecDefaults.LAYOUT_MAX_BUCKETS) {
            problems.add(path + ".buckets", "must be between 1 and " + SpecDefaults.LAYOUT_MAX_BUCKETS + ", was "
                    + buckets);
            return null;
        }
        boolean hasTargets = spec.targets() != null && !spec.targets().isEmpty();
        boolean hasMap = spec.bucketMap() != null && !spec.bucketMap().isEmpty();
        if (hasTargets == hasMap) {
            problems.add(path, "give exactly one of 'targets' (even ranges) or 'bucketMap'");
            return null;
        }
        if (hasTargets) {
            if (buckets < spec.targets().size()) {
                problems.add(path + ".buckets", "(" + buckets + ") must be at least the number of targets ("
                        + spec.targets().size() + ")");
                return null;
            }
            return generation < 1 ? null
                    : Layout.evenRanges(generation, spec.shardKey(), buckets, spec.targets(), spec.hotTenants());
        }
        List<String> owners = fromMap(spec.bucketMap(), buckets, path + ".bucketMap", problems);
        return owners == null || generation < 1 ? null
                : new Layout(generation, spec.shardKey(), owners, spec.hotTenants());
    }

    private static List<String> fromMap(Map<String, String> bucketMap, int buckets, String path, Problems problems) {
        String[] owner = new String[buckets];
        boolean ok = true;
        for (Map.Entry<String, String> e : bucketMap.entrySet()) {
            String field = path + "." + e.getKey();
            if (e.getValue() == null || e.getValue().isBlank()) {
                problems.add(field, "no bucket ranges given");
                ok = false;
                continue;
            }
            for (String range : e.getValue().split(",")) {
                ok &= assign(range.trim(), e.getKey(), owner, field, problems);
            }
        }
        if (!ok) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            if (owner[b] == null) {
                missing.add(String.valueOf(b));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(path, "buckets without a target: " + String.join(",", missing));
            return null;
        }
        return Arrays.asList(owner);
    }

    private static boolean assign(String range, String target, String[] owner, String field, Problems problems) {
        int[] lohi = parseRange(range);
        if (lohi == null) {
            problems.add(field, "'" + range + "' is not a bucket or a range like 0-31");
            return false;
        }
        if (lohi[0] < 0 || lohi[0] > lohi[1] || lohi[1] >= owner.length) {
            problems.add(field, "range '" + range + "' is outside 0-" + (owner.length - 1));
            return false;
        }
        for (int b = lohi[0]; b <= lohi[1]; b++) {
            if (owner[b] != null) {
                problems.add(field, "bucket " + b + " is already given to '" + owner[b] + "'");
                return false;
            }
            owner[b] = target;
        }
        return true;
    }

    private static int[] parseRange(String range) {
        try {
            int dash = range.indexOf('-');
            if (dash < 0) {
                int b = Integer.parseInt(range);
                return new int[] {b, b};
            }
            return new int[] {Integer.parseInt(range.substring(0, dash).trim()),
                    Integer.parseInt(range.substring(dash + 1).trim())};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
