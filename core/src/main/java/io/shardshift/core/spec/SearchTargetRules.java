package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the {@code search} section, part of {@link SpecValidator}: the Solr sink takes what passes
 * them as they are.
 */
final class SearchTargetRules {
    private static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,80}");

    private SearchTargetRules() {
    }

    /**
     * @param targetNames the PostgreSQL targets' names; search target names are added
     * @param tables      the spec's tables, or {@code null} when they have problems of their own
     */
    static void validate(List<SearchTargetSpec> search, Set<String> targetNames, Set<TableId> tables,
                         Problems problems) {
        for (int i = 0; i < search.size(); i++) {
            SearchTargetSpec s = search.get(i);
            String path = "search[" + i + "]";
            SpecValidator.uniqueName(s.name(), path, targetNames, problems);
            boolean hasZk = s.zkHost() != null && !s.zkHost().isBlank();
            boolean hasUrls = s.solrUrls() != null && !s.solrUrls().isEmpty();
            if (hasZk == hasUrls) {
                problems.add(path, "give exactly one of zkHost or solrUrls");
            }
            if (s.collection() == null || !COLLECTION_NAME.matcher(s.collection()).matches()) {
                problems.add(path + ".collection", "'" + s.collection() + "' must match [A-Za-z0-9_][A-Za-z0-9_-]*"
                        + " (at most 81 characters)");
            }
            if (s.version() == null) {
                problems.add(path + ".version", "is required");
            } else {
                SpecValidator.atLeast(s.version(), 1, path + ".version", problems);
            }
            SpecValidator.atLeast(s.shardsOrDefault(), 1, path + ".shards", problems);
            SpecValidator.atLeast(s.replicasOrDefault(), 1, path + ".replicas", problems);
            SpecValidator.atLeast(s.commitWithinMsOrDefault(), 1, path + ".commitWithinMs", problems);
            table(s, path, tables, problems);
            SpecValidator.optionalIdentifier(s.shardKey(), path + ".shardKey", problems);
            fields(s.fields(), path, problems);
            hotTenants(s.hotTenants(), path, problems);
        }
    }

    private static void table(SearchTargetSpec s, String path, Set<TableId> tables, Problems problems) {
        TableId table;
        try {
            table = TableId.parse(s.table());
        } catch (IllegalArgumentException e) {
            problems.add(path + ".table", e.getMessage());
            return;
        }
        if (tables != null && !tables.contains(table)) {
            problems.add(path + ".table", "table " + table + " is not in 'tables'");
        }
    }

    private static void fields(List<SearchTargetSpec.SearchFieldSpec> fields, String path, Problems problems) {
        if (fields == null) {
            return;
        }
        for (int f = 0; f < fields.size(); f++) {
            String field = path + ".fields[" + f + "]";
            if (fields.get(f) == null) {
                problems.add(field, "is empty");
            } else if (fields.get(f).column() == null) {
                problems.add(field + ".column", "is required");
            } else {
                SpecValidator.optionalIdentifier(fields.get(f).column(), field + ".column", problems);
            }
        }
    }

    private static void hotTenants(Map<String, Integer> hotTenants, String path, Problems problems) {
        if (hotTenants == null) {
            return;
        }
        hotTenants.forEach((tenant, bits) -> {
            if (bits == null || bits < 0 || bits > SpecDefaults.SEARCH_MAX_HOT_TENANT_BITS) {
                problems.add(path + ".hotTenants." + tenant, "must be routing bits from 0 to "
                        + SpecDefaults.SEARCH_MAX_HOT_TENANT_BITS + ", was " + bits);
            }
        });
    }
}
