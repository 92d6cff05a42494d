package org.den4j.coder.remote;

import org.den4j.coder.CoderException;

/**
 * A call to an OpenAI-compatible server that failed: the server answered with an error (in OpenAI's
 * {@code {"error":{"message","type","code"}}} shape or otherwise), or could not be reached within the retries.
 * The message is one line naming the URL, the status and the server's own message.
 */
public class RemoteCallException extends CoderException {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final int status;
    private final String errorType;
    private final String errorCode;

    public RemoteCallException(String message, String url, int status, String errorType, String errorCode,
            Throwable cause) {
        super(message, cause);
        this.url = url;
        this.status = status;
        this.errorType = errorType;
        this.errorCode = errorCode;
    }

    /** The URL called. */
    public String url() {
        return url;
    }

    /** The HTTP status, or 0 when no answer came (connection refused, timeout). */
    public int status() {
        return status;
    }

    /** The error's {@code type}, or null. */
    public String errorType() {
        return errorType;
    }

    /** The error's {@code code}, or null. */
    public String errorCode() {
        return errorCode;
    }

    /**
     * True when the request itself was refused (a 4xx other than 408 and 429: a wrong key, model or body),
     * so sending it again cannot help.
     */
    public boolean isClientError() {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }
}
