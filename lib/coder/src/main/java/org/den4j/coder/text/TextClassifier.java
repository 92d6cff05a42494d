package org.den4j.coder.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A multi-label text classifier over string labels: a score in [0, 1] for every label it knows. Implementations
 * are immutable after training (or say how they change) and safe for concurrent {@link #scores} calls.
 */
public interface TextClassifier {
    /** Every label's score for {@code text}, highest first. */
    List<LabelScore> scores(String text);

    /** The labels it can assign. */
    Set<String> labels();

    /**
     * Where {@code text} supports {@code label}: occurrences of the terms that raise the label's score most,
     * the strongest first, at most {@code limit} terms (a term may occur more than once).
     */
    List<TermSpan> evidence(String text, String label, int limit);

    /** Writes the classifier's files into {@code folder} (which exists). */
    void save(Path folder);

    /** The scores of several texts, in order; implementations may score them in parallel. */
    default List<List<LabelScore>> scores(List<String> texts) {
        List<List<LabelScore>> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(scores(t));
        }
        return out;
    }
}
