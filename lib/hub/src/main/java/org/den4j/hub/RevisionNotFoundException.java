package org.den4j.hub;

import java.net.URI;
import org.den4j.den.BadInput;

/** The repository exists but has no such branch, tag or commit. */
public class RevisionNotFoundException extends HubHttpException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final String revision;

    public RevisionNotFoundException(String repoId, String revision, String message, int statusCode, URI url,
            String requestId, String serverMessage) {
        super(repoId, message, statusCode, url, requestId, serverMessage);
        this.revision = revision;
    }

    /** The revision that was asked for. */
    public String revision() {
        return revision;
    }
}
