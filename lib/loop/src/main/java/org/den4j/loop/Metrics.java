package org.den4j.loop;

/**
 * A model's figures on a label set's holdout.
 *
 * @param microF1 micro-averaged F1 over (observation, label) decisions
 * @param macroF1 macro-averaged F1 over labels
 * @param microPrecision micro precision
 * @param microRecall micro recall
 * @param exactMatch the share of observations whose labels are exactly right
 * @param holdoutSize observations in the holdout
 */
public record Metrics(double microF1, double macroF1, double microPrecision, double microRecall, double exactMatch,
        int holdoutSize) {
}
