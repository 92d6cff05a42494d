package org.den4j.data;

/**
 * Base of every failure the data module reports.
 *
 * <p>Messages say what failed, for which file, table or key, and how to fix it. Subclasses carry the
 * data as fields so callers never parse messages.
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
