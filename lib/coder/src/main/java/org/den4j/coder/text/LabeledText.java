package org.den4j.coder.text;

import java.util.Objects;
import java.util.Set;

/**
 * A text with the labels it carries: what classifiers learn from.
 *
 * @param text the text
 * @param labels its labels (may be empty)
 */
public record LabeledText(String text, Set<String> labels) {
    public LabeledText {
        Objects.requireNonNull(text, "text");
        labels = Set.copyOf(labels);
    }
}
