package org.den4j.den;

/** A configuration value (environment variable, argument or file) that the den cannot use. */
public class DenConfigException extends DenInputException {
    private static final long serialVersionUID = 1L;
    private final String variable;

    public DenConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** The variable or option that holds the bad value, for example {@code DEN4J_TYPE}. */
    public String variable() {
        return variable;
    }
}
