package org.den4j.loop;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Trains and loads the classifiers of one algorithm (the label set's {@code algorithm}). */
public interface LabelAlgorithm {
    /**
     * A text and its confirmed labels.
     *
     * @param text the observation's text
     * @param labels its confirmed labels
     */
    record Example(String text, Set<String> labels) {
    }

    /** The algorithm's name, for example {@code naive-bayes}. */
    String name();

    /**
     * Trains on {@code examples} and saves the model into {@code folder} (a den model folder).
     *
     * @param multiLabel false: the classifier assigns exactly one label
     */
    LabelClassifier train(List<Example> examples, boolean multiLabel, Path folder);

    /** Loads a model that {@link #train} saved. */
    LabelClassifier load(Path folder);
}
