package org.den4j.loop;

/**
 * Something the feedback loop could not do; the root of the loop's exceptions.
 *
 * <p>Each carries the HTTP status and the error type the server answers with, so the routes map every
 * exception the same way: {@code {"error":{"message","type","param","code"}}}, the code a string named after {@link #status()}
 * ({@code not_found}, {@code conflict}, ...), as serve-api answers.
 */
public class LoopException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;

    /** A server-side failure (500, {@code server_error}). */
    public LoopException(String message) {
        this(500, "server_error", message, null);
    }

    /** A server-side failure (500, {@code server_error}) with its cause. */
    public LoopException(String message, Throwable cause) {
        this(500, "server_error", message, cause);
    }

    /**
     * @param status the HTTP status a server answers with
     * @param type the error type, for example {@code invalid_request_error}
     * @param message what failed, for which thing, and the fix
     * @param cause the foreign exception, or null
     */
    public LoopException(int status, String type, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
    }

    /** The HTTP status a server answers with. */
    public int status() {
        return status;
    }

    /** The error type, for example {@code not_found_error}. */
    public String type() {
        return type;
    }
}
