package org.den4j.den;

import java.util.Map;

/**
 * Figures about a den.
 *
 * @param names distinct model names
 * @param versions model versions
 * @param baseModels versions with no parent
 * @param logicalBytes the sum of every version's size, as if each were stored on its own
 * @param storedBytes bytes held in blobs, each distinct file once
 * @param blobs distinct blobs
 * @param byModelType versions per model type ({@code unknown} when unset)
 * @param byTag versions per tag
 */
public record RegistryStats(int names, int versions, int baseModels, long logicalBytes, long storedBytes, int blobs,
        Map<String, Integer> byModelType, Map<String, Integer> byTag) {
    /** How many times smaller the store is than separate copies would be (1 when nothing is shared). */
    public double deduplicationRatio() {
        return storedBytes == 0 ? 1 : (double) logicalBytes / storedBytes;
    }
}
