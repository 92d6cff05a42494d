package org.den4j.hub;

/**
 * Offline mode ({@code HF_HUB_OFFLINE=1}) forbids asking the Hub and the cache does not hold what was asked for.
 *
 * <p>The message says how to leave offline mode: set {@code HF_HUB_OFFLINE=0}.
 */
public class OfflineModeException extends LocalEntryNotFoundException {
    private static final long serialVersionUID = 1L;

    public OfflineModeException(String repoId, String revision, String path, String message) {
        super(repoId, revision, path, message, null);
    }
}
