package org.den4j.serve.api;

import org.den4j.serve.den.ServeException;

/**
 * A request the coder API refuses. It is answered with {@link #status()} and OpenAI's error shape,
 * {@code {"error":{"message","type","param","code"}}}, never a stack trace.
 */
public class ApiException extends ServeException {
    private static final long serialVersionUID = 1L;
    private final String type;
    private final long retryAfterSeconds;

    /**
     * @param status the HTTP status
     * @param type OpenAI's error type ({@code invalid_request_error}, {@code authentication_error}, ...)
     * @param code a machine-readable code ({@code empty_text}, {@code rate_limit_exceeded}, ...)
     * @param message what was wrong and what to do
     */
    public ApiException(int status, String type, String code, String message) {
        this(status, type, code, message, 0);
    }

    /** As above, with the seconds a client should wait before retrying (sent as {@code Retry-After}). */
    public ApiException(int status, String type, String code, String message, long retryAfterSeconds) {
        super(status, code, message);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** OpenAI's error type. */
    public String type() {
        return type;
    }

    /** Seconds to wait before retrying, or 0 when the answer has no {@code Retry-After}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
    }
}
