package org.den4j.coder.text;

/**
 * A label with a classifier's score for one text, in [0, 1]: a probability (naive Bayes) or the sigmoid of a
 * margin (linear models), so higher is more confident but scores of two classifiers are not comparable.
 */
public record LabelScore(String label, double score) {
}
