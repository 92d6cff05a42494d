package org.den4j.den;

/**
 * Base of every failure the den reports.
 *
 * <p>Messages say what failed, for which model or file, and how to fix it. Subclasses carry the
 * data as fields so callers never parse messages.
 */
public class DenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DenException(String message) {
        super(message);
    }

    public DenException(String message, Throwable cause) {
        super(message, cause);
    }
}
