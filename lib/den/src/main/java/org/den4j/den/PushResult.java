package org.den4j.den;

/**
 * The outcome of a push.
 *
 * @param model the model version that holds the pushed content
 * @param alreadyPresent true when the den already had this content under this name, so no new version was made
 * @param newBytes bytes stored as new blobs
 * @param reusedBytes bytes that were already in the den (shared with other models)
 */
public record PushResult(ModelInfo model, boolean alreadyPresent, long newBytes, long reusedBytes) {
    /** The share of the pushed bytes that had to be stored, from 0 to 1. */
    public double newByteFraction() {
        long total = newBytes + reusedBytes;
        return total == 0 ? 0 : (double) newBytes / total;
    }
}
