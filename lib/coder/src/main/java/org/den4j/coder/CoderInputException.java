package org.den4j.coder;

/**
 * Bad input from the caller: empty or non-UTF-8 text, an unknown code system, a model that is not a coder, a
 * coder folder without its dictionary, a PDF without a text layer. Commands exit with code 2 for it.
 */
public class CoderInputException extends CoderException {
    private static final long serialVersionUID = 1L;

    public CoderInputException(String message) {
        super(message);
    }

    public CoderInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
