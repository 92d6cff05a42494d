package org.den4j.hub;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a configured model stands in the cache, from {@link ModelManager#status()}.
 *
 * @param model the configured model
 * @param state cached, missing or stale
 * @param cachedCommit the commit {@code refs/<revision>} names in the cache, or null when none
 * @param hubCommit the commit the revision names on the Hub now, or null when the Hub was not asked (offline,
 *     unreachable, or nothing cached)
 * @param path the folder that holds the files (the {@code local_dir} or the snapshot), or null when missing
 */
public record ModelStatus(ModelSpec model, State state, String cachedCommit, String hubCommit, Path path) {
    public ModelStatus {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
    }

    /** Whether the model is in the cache. */
    public enum State {
        /** Every selected file of the cached commit is there; see {@link #checkedOnline()} for freshness. */
        CACHED,
        /** Some selected file is not in the cache (or nothing is). */
        MISSING,
        /** Cached, but the revision has moved on the Hub to a newer commit; {@code ensure} fetches it. */
        STALE
    }

    /** Whether the Hub was asked for the revision's current commit; when false, a cached model may be stale. */
    public boolean checkedOnline() {
        return hubCommit != null;
    }

    /** {@code cached}, {@code missing}, {@code stale}, or {@code cached (freshness unknown: offline)}. */
    public String describe() {
        return switch (state) {
            case CACHED -> checkedOnline() ? "cached" : "cached (freshness unknown: offline)";
            case MISSING -> "missing";
            case STALE -> "stale";
        };
    }
}
