package org.den4j.coder.classic;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.den4j.coder.text.LabeledText;
import org.den4j.coder.text.LinearClassifier;
import org.den4j.coder.text.TextClassifier;

/**
 * Kind {@code linear}: TF-IDF of words and word pairs, one linear SVM per code (LIBLINEAR, C = 1, as
 * scikit-learn's {@code LinearSVC}), thresholds per code tuned on validation. The baseline every other coder is
 * measured against: fast to train and to run, with evidence from its weighted terms.
 *
 * <p>Settings beside the common ones: {@code loss} ({@code svm} or {@code logistic}), {@code c} (1.0),
 * {@code epsilon} (0.01), {@code threads} (0: one per processor), {@code prune} (weights up to this magnitude are
 * dropped; 0.01).
 */
public final class LinearCoderFormat extends ClassifierCoderFormat {
    /** The kind. */
    public static final String KIND = "linear";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "TF-IDF and one-vs-rest linear SVMs (LIBLINEAR): the fast baseline, with term evidence";
    }

    @Override
    Set<String> ownSettings() {
        return Set.of("loss", "c", "epsilon", "threads", "prune");
    }

    @Override
    TextClassifier trainClassifier(List<LabeledText> texts, Map<String, String> s) {
        LinearClassifier.Settings d = LinearClassifier.Settings.DEFAULTS;
        LinearClassifier.Settings settings = new LinearClassifier.Settings(tfidf(s),
                s.containsKey("loss") ? LinearClassifier.Loss.parse(s.get("loss")) : d.loss(), number(s, "c", d.c()),
                number(s, "epsilon", d.epsilon()), integer(s, "threads", d.threads()), number(s, "prune", d.prune()));
        return LinearClassifier.train(texts, settings);
    }

    @Override
    TextClassifier loadClassifier(Path folder) {
        return LinearClassifier.load(folder);
    }
}
