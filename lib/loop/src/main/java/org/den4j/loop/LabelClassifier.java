package org.den4j.loop;

import java.util.List;
import java.util.Set;

/** A trained model of a label set, as the loop serves and evaluates it. */
public interface LabelClassifier {
    /** Every label the model knows with its score for {@code text}, highest first. */
    List<ScoredLabel> scores(String text);

    /** The labels the model assigns to {@code text} (one for a single-label set). */
    Set<String> decide(String text);
}
