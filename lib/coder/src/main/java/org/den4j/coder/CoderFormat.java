package org.den4j.coder;

import java.nio.file.Path;

/**
 * One kind of coder: how to train it and how to load its folder. Implementations register in
 * {@code META-INF/services/org.den4j.coder.CoderFormat}; {@link Coders} finds them by {@link #kind()}.
 */
public interface CoderFormat {
    /** The kind written in {@code coder.json}, e.g. {@code linear}. */
    String kind();

    /** One line for help texts: what the coder is and when to use it. */
    String description();

    /**
     * Loads a coder folder of this kind.
     *
     * @param model the identity to report in predictions (den name and version, or the folder)
     */
    IcdCoder load(Path folder, CoderModel model, LoadOptions options);

    /**
     * Trains a coder on {@code training}'s train notes, tunes its thresholds on the validation notes, and writes
     * a complete coder folder to {@link CoderTraining#outputDir()} (written beside it first and moved into place,
     * so a failed run leaves nothing half-written).
     *
     * @return the folder
     */
    Path train(CoderTraining training);

    /**
     * Settings of loading.
     *
     * @param device {@code auto}, {@code cpu} or {@code cuda} (language-model coders only)
     */
    record LoadOptions(String device) {
        public static final LoadOptions DEFAULTS = new LoadOptions("auto");
    }
}
