package org.den4j.coder;

import org.den4j.den.BadInput;

/**
 * Bad input from the caller: empty or non-UTF-8 text, an unknown code system, a model that is not a coder, a
 * coder folder without its dictionary, a PDF without a text layer. Commands exit with code 2 for it
 * (it is {@link BadInput}).
 */
public class CoderInputException extends CoderException implements BadInput {
    private static final long serialVersionUID = 1L;

    public CoderInputException(String message) {
        super(message);
    }

    public CoderInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
