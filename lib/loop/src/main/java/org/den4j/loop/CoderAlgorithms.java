package org.den4j.loop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.LabeledText;
import org.den4j.coder.text.LinearClassifier;
import org.den4j.coder.text.NaiveBayesClassifier;
import org.den4j.coder.text.TextClassifier;
import org.den4j.coder.text.Thresholds;

/**
 * The loop's algorithms over lib/coder's generic text classifiers: {@code naive-bayes} (TF-IDF + multinomial
 * naive Bayes, the default: fast to train) and {@code linear} (TF-IDF + one-vs-rest LIBLINEAR).
 *
 * <p>A single-label set takes the top-scoring label. A multi-label set takes every label over its
 * threshold (at least the top one): thresholds are tuned on a fifth of the training examples held out
 * from a first fit (the label set's holdout is never seen), then the model is fitted again on all of them.
 */
final class CoderAlgorithms {
    private static final String SINGLE_MARKER = "single-label";
    private static final int MIN_FOR_TUNING = 25;

    private CoderAlgorithms() {
    }

    static List<LabelAlgorithm> all() {
        return List.of(
                new Adapter("naive-bayes", texts -> NaiveBayesClassifier.train(texts, NaiveBayesClassifier.Settings.DEFAULTS),
                        NaiveBayesClassifier::load),
                new Adapter("linear", texts -> LinearClassifier.train(texts, LinearClassifier.Settings.DEFAULTS),
                        LinearClassifier::load));
    }

    private record Adapter(String name, Function<List<LabeledText>, TextClassifier> fit,
            Function<Path, TextClassifier> read) implements LabelAlgorithm {
        @Override
        public LabelClassifier train(List<Example> examples, boolean multiLabel, Path folder) {
            List<LabeledText> texts = new ArrayList<>(examples.size());
            for (Example e : examples) {
                texts.add(new LabeledText(e.text(), e.labels()));
            }
            Thresholds thresholds = Thresholds.global(0.5);
            if (multiLabel && texts.size() >= MIN_FOR_TUNING) {
                int cut = texts.size() - texts.size() / 5;
                TextClassifier first = fit.apply(texts.subList(0, cut));
                List<Set<String>> gold = new ArrayList<>();
                List<String> tuning = new ArrayList<>();
                for (LabeledText t : texts.subList(cut, texts.size())) {
                    gold.add(t.labels());
                    tuning.add(t.text());
                }
                thresholds = Thresholds.tune(gold, first.scores(tuning), 2, 0.5);
            }
            TextClassifier classifier = fit.apply(texts);
            classifier.save(folder);
            thresholds.save(folder);
            try {
                if (!multiLabel) {
                    Files.writeString(folder.resolve(SINGLE_MARKER), "top label only\n");
                }
            } catch (java.io.IOException e) {
                throw new LoopException("Cannot write " + folder.resolve(SINGLE_MARKER) + ": " + e.getMessage(), e);
            }
            return new Served(classifier, thresholds, multiLabel);
        }

        @Override
        public LabelClassifier load(Path folder) {
            return new Served(read.apply(folder), Thresholds.load(folder),
                    !Files.exists(folder.resolve(SINGLE_MARKER)));
        }
    }

    private record Served(TextClassifier classifier, Thresholds thresholds, boolean multiLabel)
            implements LabelClassifier {
        @Override
        public List<ScoredLabel> scores(String text) {
            List<ScoredLabel> out = new ArrayList<>();
            for (LabelScore s : classifier.scores(text)) {
                out.add(new ScoredLabel(s.label(), s.score()));
            }
            return out;
        }

        @Override
        public Set<String> decide(String text) {
            List<LabelScore> scores = classifier.scores(text);
            Set<String> out = new LinkedHashSet<>();
            if (scores.isEmpty()) {
                return out;
            }
            if (!multiLabel) {
                out.add(scores.get(0).label());
                return out;
            }
            for (LabelScore s : scores) {
                if (thresholds.accepts(s.label(), s.score())) {
                    out.add(s.label());
                }
            }
            if (out.isEmpty()) {
                out.add(scores.get(0).label());
            }
            return out;
        }
    }
}
