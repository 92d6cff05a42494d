package org.den4j.den.duckdb;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over the records an index holds, computed in SQL; the figures of
 * {@link org.den4j.den.RegistryStats} that need no blob listing.
 *
 * @param names distinct model names
 * @param versions model versions
 * @param baseModels versions with no parent
 * @param logicalBytes the sum of every version's size
 * @param byModelType versions per model type ({@code unknown} when unset), sorted by type
 * @param byTag versions per tag, sorted by tag
 * @param byLicense versions per license ({@code unknown} when unset), sorted by license
 */
public record RegistryCounts(int names, int versions, int baseModels, long logicalBytes,
        Map<String, Integer> byModelType, Map<String, Integer> byTag, Map<String, Integer> byLicense) {
    public RegistryCounts {
        byModelType = Collections.unmodifiableMap(new TreeMap<>(byModelType));
        byTag = Collections.unmodifiableMap(new TreeMap<>(byTag));
        byLicense = Collections.unmodifiableMap(new TreeMap<>(byLicense));
    }
}
