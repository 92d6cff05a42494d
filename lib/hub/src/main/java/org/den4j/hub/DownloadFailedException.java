package org.den4j.hub;

import java.net.URI;

/**
 * A file could not be transferred: the connection failed or kept dropping after the retries, or fewer
 * bytes came than announced.
 */
public class DownloadFailedException extends HubException {
    private static final long serialVersionUID = 1L;
    private final String revision;
    private final String path;
    private final URI url;

    public DownloadFailedException(String repoId, String revision, String path, URI url, String message,
            Throwable cause) {
        super(repoId, message, cause);
        this.revision = revision;
        this.path = path;
        this.url = url;
    }

    /** The revision that was asked for. */
    public String revision() {
        return revision;
    }

    /** The file's path in the repository. */
    public String path() {
        return path;
    }

    /** The last URL tried. */
    public URI url() {
        return url;
    }
}
