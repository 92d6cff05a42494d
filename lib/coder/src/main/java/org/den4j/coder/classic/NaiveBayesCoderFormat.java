package org.den4j.coder.classic;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.den4j.coder.text.LabeledText;
import org.den4j.coder.text.NaiveBayesClassifier;
import org.den4j.coder.text.TextClassifier;

/**
 * Kind {@code naive-bayes}: TF-IDF of words and word pairs, multinomial naive Bayes per code, thresholds per code
 * tuned on validation. Trains in one pass over the notes and learns more from corrected notes without retraining
 * ({@link NaiveBayesClassifier#update}): the feedback loop's fast default.
 *
 * <p>Settings beside the common ones: {@code alpha} (smoothing, 0.01).
 */
public final class NaiveBayesCoderFormat extends ClassifierCoderFormat {
    /** The kind. */
    public static final String KIND = "naive-bayes";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "TF-IDF and multinomial naive Bayes per code: one pass to train, updatable from feedback";
    }

    @Override
    Set<String> ownSettings() {
        return Set.of("alpha");
    }

    @Override
    TextClassifier trainClassifier(List<LabeledText> texts, Map<String, String> s) {
        NaiveBayesClassifier.Settings d = NaiveBayesClassifier.Settings.DEFAULTS;
        return NaiveBayesClassifier.train(texts, new NaiveBayesClassifier.Settings(tfidf(s),
                number(s, "alpha", d.alpha())));
    }

    @Override
    TextClassifier loadClassifier(Path folder) {
        return NaiveBayesClassifier.load(folder);
    }
}
