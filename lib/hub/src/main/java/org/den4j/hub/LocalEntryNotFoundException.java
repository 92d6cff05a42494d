package org.den4j.hub;

/**
 * The Hub could not be asked (no connection, or the Hub failed) and the cache does not hold what was asked for.
 *
 * @see OfflineModeException for the case where offline mode forbids asking
 */
public class LocalEntryNotFoundException extends HubException {
    private static final long serialVersionUID = 1L;
    private final String revision;
    private final String path;

    public LocalEntryNotFoundException(String repoId, String revision, String path, String message,
            Throwable cause) {
        super(repoId, message, cause);
        this.revision = revision;
        this.path = path;
    }

    /** The revision that was asked for. */
    public String revision() {
        return revision;
    }

    /** The file's path in the repository, or null when a whole snapshot was asked for. */
    public String path() {
        return path;
    }
}
