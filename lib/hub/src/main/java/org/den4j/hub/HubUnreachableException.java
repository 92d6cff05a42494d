package org.den4j.hub;

import java.net.URI;

/**
 * The Hub could not be reached: the connection failed or timed out before any answer.
 *
 * <p>Downloads first look for the file in the cache and report {@link LocalEntryNotFoundException} with
 * this exception as the cause when it is not there.
 */
public class HubUnreachableException extends HubException {
    private static final long serialVersionUID = 1L;
    private final URI url;

    public HubUnreachableException(String repoId, URI url, String message, Throwable cause) {
        super(repoId, message, cause);
        this.url = url;
    }

    /** The URL that could not be reached. */
    public URI url() {
        return url;
    }
}
