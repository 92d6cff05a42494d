package org.den4j.hub;

import java.net.URI;

/**
 * The Hub answered a request with an error status.
 *
 * <p>Subclasses name the errors the Hub reports with an {@code X-Error-Code} header; this class covers
 * the others, such as a rejected token (401), a forbidden resource (403) or a server error (5xx).
 */
public class HubHttpException extends HubException {
    private static final long serialVersionUID = 1L;
    private final int statusCode;
    private final URI url;
    private final String requestId;
    private final String serverMessage;

    public HubHttpException(String repoId, String message, int statusCode, URI url, String requestId,
            String serverMessage) {
        super(repoId, message);
        this.statusCode = statusCode;
        this.url = url;
        this.requestId = requestId;
        this.serverMessage = serverMessage;
    }

    /** The HTTP status, such as 401 or 404. */
    public int statusCode() {
        return statusCode;
    }

    /** The URL that answered with the error. */
    public URI url() {
        return url;
    }

    /** The Hub's {@code X-Request-Id}, to quote when reporting a problem, or null. */
    public String requestId() {
        return requestId;
    }

    /** What the server said ({@code X-Error-Message} or the body's {@code error}), or null. */
    public String serverMessage() {
        return serverMessage;
    }
}
