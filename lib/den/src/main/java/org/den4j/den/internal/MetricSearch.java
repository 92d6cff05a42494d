package org.den4j.den.internal;

import java.util.ArrayList;
import java.util.List;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;

/**
 * The metric part of a registry search, applied over what the index found: indexes answer the other
 * criteria, so an index need not know the metric conditions or the order.
 */
public final class MetricSearch {
    private MetricSearch() {
    }

    /** The models of {@code models} that match {@code query}, metric conditions and order included. */
    public static List<ModelInfo> search(RegistryIndex index, List<ModelInfo> models, RegistryQuery query) {
        if (query.metrics().isEmpty() && query.sortBy() == null) {
            return index.search(models, query);
        }
        // "Latest" means the latest of the versions that match, as for the other criteria.
        boolean latestAfter = query.latestOnly() && !query.metrics().isEmpty();
        List<ModelInfo> found = index.search(models, latestAfter ? query.toBuilder().latestOnly(false).build() : query);
        List<ModelInfo> kept = new ArrayList<>();
        for (ModelInfo m : found) {
            if (query.metrics().stream().allMatch(c -> c.test(m))) {
                kept.add(m);
            }
        }
        if (latestAfter) {
            kept = MemoryRegistryIndex.latestOnly(kept);
        }
        if (query.sortBy() != null) {
            kept.sort(query.sortBy().comparator()); // stable: ties and missing values keep name, version order
        }
        return kept;
    }
}
