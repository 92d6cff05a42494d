package org.den4j.hub;

import java.net.URI;
import org.den4j.den.BadInput;

/**
 * The repository and revision exist but have no file at that path.
 *
 * <p>When the Hub names the commit, the client also writes the {@code .no_exist/<commit>/<path>} marker
 * that Python's {@code huggingface_hub} writes.
 */
public class EntryNotFoundException extends HubHttpException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final String revision;
    private final String path;

    public EntryNotFoundException(String repoId, String revision, String path, String message, int statusCode,
            URI url, String requestId, String serverMessage) {
        super(repoId, message, statusCode, url, requestId, serverMessage);
        this.revision = revision;
        this.path = path;
    }

    /** The revision that was asked for. */
    public String revision() {
        return revision;
    }

    /** The file's path in the repository. */
    public String path() {
        return path;
    }
}
