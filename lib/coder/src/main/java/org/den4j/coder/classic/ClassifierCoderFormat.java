package org.den4j.coder.classic;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.den4j.coder.AtomicFolder;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.eval.MultiLabelMetrics;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.LabeledText;
import org.den4j.coder.text.TextClassifier;
import org.den4j.coder.text.TfIdfVectorizer;
import org.den4j.coder.text.Thresholds;

/**
 * What the classical kinds share: train a {@link TextClassifier} on the train notes (labels are code keys), tune
 * per-code thresholds on the validation notes, and write a coder folder with {@code coder.json},
 * {@code dictionary.tsv}, the classifier's files and {@code thresholds.tsv}.
 *
 * <p>Common settings: {@code min_df} (2), {@code max_ngram} (2), {@code max_features} (0: no limit),
 * {@code min_support} (validation positives a code needs for a threshold of its own; 2) and {@code threshold}
 * (the fallback when there are no validation notes; 0.5).
 */
abstract class ClassifierCoderFormat implements CoderFormat {
    /** Trains the classifier of this kind. */
    abstract TextClassifier trainClassifier(List<LabeledText> texts, Map<String, String> settings);

    /** Loads the classifier of this kind from a coder folder. */
    abstract TextClassifier loadClassifier(Path folder);

    /** The setting keys this kind reads, beside the common ones. */
    abstract Set<String> ownSettings();

    private static final Set<String> COMMON = Set.of("min_df", "max_ngram", "max_features", "min_support",
            "threshold", "resamples");

    static TfIdfVectorizer.Settings tfidf(Map<String, String> s) {
        TfIdfVectorizer.Settings d = TfIdfVectorizer.Settings.DEFAULTS;
        try {
            return new TfIdfVectorizer.Settings(integer(s, "max_ngram", d.maxNgram()), integer(s, "min_df", d.minDf()),
                    d.maxDf(), integer(s, "max_features", d.maxFeatures()), d.sublinearTf());
        } catch (IllegalArgumentException e) {
            throw new CoderInputException("Bad TF-IDF setting: " + e.getMessage(), e);
        }
    }

    static int integer(Map<String, String> s, String key, int fallback) {
        String v = s.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new CoderInputException("Setting " + key + "=" + v + " is not a whole number", e);
        }
    }

    static double number(Map<String, String> s, String key, double fallback) {
        String v = s.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new CoderInputException("Setting " + key + "=" + v + " is not a number", e);
        }
    }

    private void checkSettings(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!COMMON.contains(key) && !ownSettings().contains(key)) {
                Set<String> known = new TreeSet<>(COMMON);
                known.addAll(ownSettings());
                throw new CoderInputException("Unknown setting '" + key + "' for a " + kind() + " coder; known: "
                        + String.join(", ", known));
            }
        }
    }

    static Set<String> keys(CodedNote n) {
        return n.codes().stream().map(Code::key).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Each note's scores for the codes of its own version: an answer never mixes versions. */
    static List<List<LabelScore>> ownVersionScores(TextClassifier c, List<CodedNote> notes) {
        List<List<LabelScore>> all = c.scores(notes.stream().map(CodedNote::text).toList());
        List<List<LabelScore>> out = new ArrayList<>(notes.size());
        for (int i = 0; i < notes.size(); i++) {
            IcdVersion v = notes.get(i).version();
            out.add(all.get(i).stream().filter(s -> Code.ofKey(s.label()).system().version() == v).toList());
        }
        return out;
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    @Override
    public Path train(CoderTraining training) {
        checkSettings(training.settings());
        if (training.train().isEmpty()) {
            throw new CoderInputException("No train notes to learn from; check the database's split_train");
        }
        long start = System.nanoTime();
        List<LabeledText> texts = training.train().stream().map(n -> new LabeledText(n.text(), keys(n))).toList();
        say(training.progress(), kind() + ": training on " + texts.size() + " notes");
        TextClassifier classifier = trainClassifier(texts, training.settings());
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        say(training.progress(), String.format(Locale.ROOT, "%s: %s in %.1f s; tuning thresholds on %d validation "
                + "notes", kind(), classifier, trainSeconds, training.validation().size()));
        List<CodedNote> validation = training.validation();
        List<Set<String>> gold = validation.stream().map(ClassifierCoderFormat::keys).toList();
        List<List<LabelScore>> scores = ownVersionScores(classifier, validation);
        Thresholds thresholds = Thresholds.tune(gold, scores, integer(training.settings(), "min_support", 2),
                number(training.settings(), "threshold", 0.5));
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!validation.isEmpty()) {
            List<Set<String>> predicted = new ArrayList<>();
            for (List<LabelScore> s : scores) {
                predicted.add(s.stream().filter(x -> thresholds.accepts(x.label(), x.score()))
                        .map(LabelScore::label).collect(Collectors.toSet()));
            }
            MultiLabelMetrics m = MultiLabelMetrics.of(gold, predicted);
            metrics.put("validation_micro_f1", m.microF1());
            metrics.put("validation_macro_f1", m.macroF1());
            metrics.put("validation_micro_precision", m.microPrecision());
            metrics.put("validation_micro_recall", m.microRecall());
        }
        metrics.put("train_seconds", trainSeconds);
        metrics.put("train_notes", (double) texts.size());
        metrics.put("labels", (double) classifier.labels().size());
        Set<IcdVersion> versions = new TreeSet<>();
        training.train().forEach(n -> versions.add(n.version()));
        // The whole dictionary, not only the trained codes: a naive Bayes coder can learn new codes from feedback.
        CodeDictionary dictionary = training.dictionary();
        CoderConfig config = CoderConfig.of(kind(), List.copyOf(versions), null, metrics, training.trainedOn());
        return AtomicFolder.write(training.outputDir(), tmp -> {
            classifier.save(tmp);
            thresholds.save(tmp);
            dictionary.write(tmp);
            config.write(tmp);
        });
    }

    @Override
    public IcdCoder load(Path folder, CoderModel model, LoadOptions options) {
        CoderConfig config = CoderConfig.read(folder);
        if (!config.kind().equals(kind())) {
            throw new CoderInputException(folder + " holds a " + config.kind() + " coder, not " + kind());
        }
        CodeDictionary dictionary = CodeDictionary.read(folder);
        TextClassifier classifier = loadClassifier(folder);
        Thresholds thresholds = Thresholds.load(folder);
        return new ClassifierCoder(kind(), model, dictionary, Set.copyOf(config.icdVersions()), classifier,
                thresholds);
    }
}
