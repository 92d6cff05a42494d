package org.den4j.hub;

/** A setting (environment variable or builder value) that the Hub client cannot use. */
public class HubConfigException extends HubException {
    private static final long serialVersionUID = 1L;
    private final String variable;
    private final String value;

    public HubConfigException(String variable, String value, String message) {
        super(null, message);
        this.variable = variable;
        this.value = value;
    }

    /** The variable that holds the bad value, for example {@code HF_HUB_OFFLINE}. */
    public String variable() {
        return variable;
    }

    /** The value that was refused. */
    public String value() {
        return value;
    }
}
