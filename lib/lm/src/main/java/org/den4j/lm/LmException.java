package org.den4j.lm;

/**
 * Base of every failure the language-model engine reports.
 *
 * <p>Messages say what failed, for which file, tensor, key or device, and how to fix it.
 * Subclasses carry that data as fields so callers never parse messages.
 */
public class LmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LmException(String message) {
        super(message);
    }

    public LmException(String message, Throwable cause) {
        super(message, cause);
    }
}
