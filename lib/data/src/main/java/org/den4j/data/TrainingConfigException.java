package org.den4j.data;

import java.nio.file.Path;

/** A training configuration file ({@link TrainingConfig}) that cannot be read or holds a bad value. */
public class TrainingConfigException extends DataInputException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String key;

    /**
     * @param file the configuration file, or null when the text did not come from a file
     * @param key the dotted key that is wrong, such as {@code training.learning_rate}, or {@code file}
     */
    public TrainingConfigException(Path file, String key, String message) {
        super(message);
        this.file = file;
        this.key = key;
    }

    /** The configuration file, or null when the text did not come from a file. */
    public Path file() {
        return file;
    }

    /** The dotted key that is wrong, such as {@code training.learning_rate}; {@code file} for the file itself. */
    public String key() {
        return key;
    }
}
