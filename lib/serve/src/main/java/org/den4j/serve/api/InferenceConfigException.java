package org.den4j.serve.api;

import java.nio.file.Path;
import org.den4j.den.BadInput;
import org.den4j.serve.den.ServeException;

/** A value of {@code config/inference-config.yaml} (or an option over it) that the coder API cannot use. */
public class InferenceConfigException extends ServeException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String key;

    /**
     * @param file the configuration file, or null when the value came from code or an option
     * @param key the dotted key ({@code api.port}), or {@code file} for the file as a whole
     * @param message what is wrong and how to fix it
     */
    public InferenceConfigException(Path file, String key, String message) {
        super(500, "bad_config", message);
        this.file = file;
        this.key = key;
    }

    /** The file that holds the bad value, or null. */
    public Path file() {
        return file;
    }

    /** The dotted key, for example {@code api.rate_limit.requests_per_minute}. */
    public String key() {
        return key;
    }
}
