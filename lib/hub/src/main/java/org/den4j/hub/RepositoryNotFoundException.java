package org.den4j.hub;

import java.net.URI;
import org.den4j.den.BadInput;

/**
 * The repository does not exist, or it is private or gated and the request had no token that may read it.
 *
 * <p>The Hub answers the same for a missing repository and for one the caller may not see.
 */
public class RepositoryNotFoundException extends HubHttpException implements BadInput {
    private static final long serialVersionUID = 1L;

    public RepositoryNotFoundException(String repoId, String message, int statusCode, URI url, String requestId,
            String serverMessage) {
        super(repoId, message, statusCode, url, requestId, serverMessage);
    }
}
