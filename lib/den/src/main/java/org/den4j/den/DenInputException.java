package org.den4j.den;

/** Bad input from the caller: an invalid name, reference, directory, zip or value. */
public class DenInputException extends DenException implements BadInput {
    private static final long serialVersionUID = 1L;

    public DenInputException(String message) {
        super(message);
    }

    public DenInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
