package org.den4j.den;

/**
 * A model of a remote den may not be fine-tuned on this machine: the den's policy forbids it
 * ({@link Den#checkLocalFineTune(String)}). The message names the model, the den and the setting.
 */
public class FineTuneRefusedException extends DenException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final String ref;
    private final String den;
    private final String setting;

    /**
     * @param ref the model as the caller named it
     * @param den where the den lives: a URL or {@code s3://bucket/prefix}
     * @param setting the setting that forbids it, such as {@code DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE}
     * @param message what was refused and how to change it
     */
    public FineTuneRefusedException(String ref, String den, String setting, String message) {
        super(message);
        this.ref = ref;
        this.den = den;
        this.setting = setting;
    }

    /** The model as the caller named it. */
    public String ref() {
        return ref;
    }

    /** Where the den lives. */
    public String den() {
        return den;
    }

    /** The setting that forbids local fine-tuning. */
    public String setting() {
        return setting;
    }
}
