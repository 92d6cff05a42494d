package org.den4j.hub;

import java.nio.file.Path;
import org.den4j.den.BadInput;

/**
 * A setting the Hub client cannot use: an environment variable or builder value, or a field of a models
 * configuration file ({@link ModelsConfig}).
 */
public class HubConfigException extends HubException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final String variable;
    private final String value;
    private final transient Path file;

    public HubConfigException(String variable, String value, String message) {
        this(null, variable, value, message);
    }

    /**
     * @param file the configuration file that holds the bad value, or null for an environment variable
     * @param variable the variable or field, such as {@code HF_HUB_OFFLINE} or {@code models[2].repo_id}
     */
    public HubConfigException(Path file, String variable, String value, String message) {
        super(null, message);
        this.file = file;
        this.variable = variable;
        this.value = value;
    }

    /** The variable or configuration field that holds the bad value, for example {@code HF_HUB_OFFLINE}. */
    public String variable() {
        return variable;
    }

    /** The value that was refused, or null when the value is missing or the file cannot be read. */
    public String value() {
        return value;
    }

    /** The configuration file that holds the bad value, or null when it came from the environment. */
    public Path file() {
        return file;
    }
}
