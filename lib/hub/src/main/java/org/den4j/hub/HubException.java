package org.den4j.hub;

/**
 * Base of every failure the Hub client reports.
 *
 * <p>Messages say what failed, for which repository, revision or file, and how to fix it. Subclasses
 * carry the data as fields so callers never parse messages.
 */
public class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String repoId;

    public HubException(String repoId, String message) {
        super(message);
        this.repoId = repoId;
    }

    public HubException(String repoId, String message, Throwable cause) {
        super(message, cause);
        this.repoId = repoId;
    }

    /** The repository concerned, such as {@code org/name}, or null when none is. */
    public String repoId() {
        return repoId;
    }
}
