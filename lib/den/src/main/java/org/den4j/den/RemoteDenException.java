package org.den4j.den;

/**
 * A den server reached over HTTP refused a request (a server that cannot be reached is reported as
 * {@link org.den4j.den.backend.BackendUnreachableException} instead, so the local cache can take over).
 *
 * <p>The message names the server and says what to do; {@link #status()} and {@link #code()} carry the
 * details so callers never parse it.
 */
public class RemoteDenException extends DenException {
    private static final long serialVersionUID = 1L;
    private final String server;
    private final int status;
    private final String code;

    /**
     * @param server the server's base URL
     * @param status the HTTP status
     * @param code the server's error code such as {@code unauthorized}, {@code forbidden} or
     *     {@code finetuned_push_refused}
     * @param message what failed and how to fix it
     * @param cause the underlying failure, or null
     */
    public RemoteDenException(String server, int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.server = server;
        this.status = status;
        this.code = code;
    }

    /** The server's base URL, for example {@code http://den.example:8080}. */
    public String server() {
        return server;
    }

    /** The HTTP status the server answered with. */
    public int status() {
        return status;
    }

    /** The server's machine-readable error code. */
    public String code() {
        return code;
    }
}
