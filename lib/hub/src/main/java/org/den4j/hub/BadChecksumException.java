package org.den4j.hub;

/**
 * A file's bytes do not match what the Hub says they are.
 *
 * <p>A download that fails this check leaves nothing in the cache's {@code blobs/}.
 */
public class BadChecksumException extends HubException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String algorithm;
    private final String expected;
    private final String actual;

    /**
     * @param path the file's path in the repository
     * @param algorithm {@code size}, {@code sha256} (LFS files) or {@code git-sha1} (regular git files)
     * @param expected what the Hub announced
     * @param actual what the bytes gave
     */
    public BadChecksumException(String repoId, String path, String algorithm, String expected, String actual,
            String message) {
        super(repoId, message);
        this.path = path;
        this.algorithm = algorithm;
        this.expected = expected;
        this.actual = actual;
    }

    /** The file's path in the repository. */
    public String path() {
        return path;
    }

    /** {@code size}, {@code sha256} or {@code git-sha1}. */
    public String algorithm() {
        return algorithm;
    }

    /** The value the Hub announced (a size in bytes or a hex digest). */
    public String expected() {
        return expected;
    }

    /** The value the bytes gave. */
    public String actual() {
        return actual;
    }
}
