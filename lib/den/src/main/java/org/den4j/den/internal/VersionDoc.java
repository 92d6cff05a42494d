package org.den4j.den.internal;

import java.time.Instant;
import org.den4j.den.ModelInfo;

/**
 * The stored record of one model version; a deleted version keeps its record as a tombstone so its
 * number is never reused.
 *
 * @param model the model
 * @param deleted when it was deleted, or null while it lives
 */
public record VersionDoc(ModelInfo model, Instant deleted) {
    /** The document key of a version. */
    public static String key(String name, int version) {
        return "models/" + name + "/@versions/" + version + ".json";
    }

    /** True for document keys of versions. */
    public static boolean isKey(String key) {
        return key.startsWith("models/") && key.contains("/@versions/") && key.endsWith(".json");
    }
}
