package org.den4j.loop;

/**
 * A request without a valid API key (401), whose key's role may not do what it asks (403), or that names
 * an object its tenant cannot see (404, never 403, so that nobody learns another tenant's objects exist).
 */
public class LoopAccessException extends LoopException {
    private static final long serialVersionUID = 1L;

    private LoopAccessException(int status, String type, String message) {
        super(status, type, message, null);
    }

    /** No key, or a key the server does not know (401). */
    public static LoopAccessException unauthorized(String message) {
        return new LoopAccessException(401, "authentication_error", message);
    }

    /** A known key whose role may not do this (403). */
    public static LoopAccessException forbidden(String message) {
        return new LoopAccessException(403, "permission_error", message);
    }

    /** An object that does not exist for the caller's tenant (404). */
    public static LoopAccessException notFound(String message) {
        return new LoopAccessException(404, "not_found_error", message);
    }
}
