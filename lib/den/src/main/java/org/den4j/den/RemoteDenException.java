package org.den4j.den;

/**
 * A remote den (a den server reached over HTTP) refused a request or could not be reached.
 *
 * <p>The message names the server and says what to do; {@link #status()} and {@link #code()} carry the
 * details so callers never parse it.
 */
public class RemoteDenException extends DenException {
    private static final long serialVersionUID = 1L;
    /** {@link #status()} of a server that could not be reached at all. */
    public static final int UNREACHABLE = -1;
    private final String server;
    private final int status;
    private final String code;

    /**
     * @param server the server's base URL
     * @param status the HTTP status, or {@link #UNREACHABLE}
     * @param code the server's error code such as {@code unauthorized}, {@code forbidden},
     *     {@code finetuned_push_refused}, or {@code unreachable}
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

    /** The HTTP status the server answered with, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /** The server's machine-readable error code, or {@code unreachable}. */
    public String code() {
        return code;
    }

    /** True when the server could not be reached (connection refused, reset or timed out after retries). */
    public boolean isUnreachable() {
        return status == UNREACHABLE;
    }
}
