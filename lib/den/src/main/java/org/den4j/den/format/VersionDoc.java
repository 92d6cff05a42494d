package org.den4j.den.format;

import java.time.Instant;
import org.den4j.den.ModelInfo;

/**
 * The stored record of one model version; a deleted version keeps its record as a tombstone so its
 * number is never reused.
 *
 * @param model the model
 * @param deleted when it was deleted, or null while it lives
 * @see DocumentKey#version(String, int)
 */
public record VersionDoc(ModelInfo model, Instant deleted) {
}
