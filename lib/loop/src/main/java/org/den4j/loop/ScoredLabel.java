package org.den4j.loop;

/**
 * A label with the model's score for it, as the predict answer lists them.
 *
 * @param label the label
 * @param score the model's score in [0, 1]
 */
public record ScoredLabel(String label, double score) {
}
