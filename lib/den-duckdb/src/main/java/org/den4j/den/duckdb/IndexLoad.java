package org.den4j.den.duckdb;

import java.time.Duration;

/**
 * How a {@link DuckDbRegistryIndex} last filled its tables.
 *
 * @param source where the rows came from
 * @param models how many model versions the tables hold
 * @param fingerprint the SHA-256 of the records the rows were built from, as hex; null after an update
 *     in place, which does not compute it
 * @param took how long filling (and saving, when {@code saved}) took
 * @param saved true when the rows were also written to the index file
 */
public record IndexLoad(Source source, int models, String fingerprint, Duration took, boolean saved) {
    /** Where the rows of a load came from. */
    public enum Source {
        /** Built from the records, because no saved file matched them. */
        BUILT,
        /** Copied from {@code registry.duckdb}, which was built from the same records. */
        RESTORED,
        /** Changed in place: only the records that differ from the previous list were rewritten. */
        UPDATED
    }
}
