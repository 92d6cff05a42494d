package org.den4j.coder;

/**
 * Base of every failure the coder module reports. Messages name the coder, file or input and say how to fix it.
 */
public class CoderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CoderException(String message) {
        super(message);
    }

    public CoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
