package org.den4j.hub;

import java.util.Objects;

/**
 * What {@link ModelManager#verifyOnly()} found for one model, without downloading anything.
 *
 * @param model the configured model
 * @param check the files present, missing and damaged, or null when the cache has no snapshot of the revision
 */
public record ModelCheck(ModelSpec model, CacheCheck check) {
    public ModelCheck {
        Objects.requireNonNull(model, "model");
    }

    /** Whether every selected file is cached and matches. */
    public boolean isComplete() {
        return check != null && check.isComplete();
    }

    /** Whether some cached file has the wrong size or hash. */
    public boolean isDamaged() {
        return check != null && !check.damaged().isEmpty();
    }
}
