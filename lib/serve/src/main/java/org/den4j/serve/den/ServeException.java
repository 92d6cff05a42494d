package org.den4j.serve.den;

/**
 * A request the den server refuses, or a server setting it cannot use.
 *
 * <p>The server answers a refused request with {@link #status()} and a JSON body
 * {@code {"error": code, "message": message, "status": status}}; the message says what was wrong and
 * what to do.
 */
public class ServeException extends org.den4j.den.DenException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    /**
     * @param status the HTTP status to answer with
     * @param code a machine-readable code, for example {@code forbidden}
     * @param message what was wrong and what to do
     */
    public ServeException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The machine-readable error code. */
    public String code() {
        return code;
    }
}
