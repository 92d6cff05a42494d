package org.den4j.hub;

import java.net.URI;

/**
 * The repository is gated: its files can be read only with a token of an account that was granted access.
 */
public class GatedRepoException extends RepositoryNotFoundException {
    private static final long serialVersionUID = 1L;

    public GatedRepoException(String repoId, String message, int statusCode, URI url, String requestId,
            String serverMessage) {
        super(repoId, message, statusCode, url, requestId, serverMessage);
    }
}
