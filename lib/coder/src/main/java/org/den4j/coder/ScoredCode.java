package org.den4j.coder;

/** A code with its score, before thresholds: what evaluation ranks (precision at k) and tunes thresholds on. */
public record ScoredCode(Code code, double score) {
}
