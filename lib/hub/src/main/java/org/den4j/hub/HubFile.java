package org.den4j.hub;

import java.util.Objects;

/**
 * A file in a Hub repository at a resolved commit, as the tree listing describes it.
 *
 * @param repoId the repository, such as {@code org/name}
 * @param commit the 40-hex commit the listing was taken at
 * @param path the file's path in the repository, with {@code /} separators
 * @param size the file's size in bytes (for LFS files, the real file's, not the pointer's)
 * @param sha256 the SHA-256 of an LFS file, or null for a regular git file
 * @param gitOid the git blob id (for LFS files, the pointer's)
 */
public record HubFile(String repoId, String commit, String path, long size, String sha256, String gitOid) {
    public HubFile {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("size of " + path + " is negative: " + size);
        }
    }

    /** Whether the file is stored with git LFS (it then has a SHA-256). */
    public boolean isLfs() {
        return sha256 != null;
    }

    /**
     * The name of the file's blob in the cache: the SHA-256 for LFS files, the git blob id otherwise, which
     * is what the Hub sends as the file's {@code ETag}.
     */
    public String etag() {
        return sha256 != null ? sha256 : gitOid;
    }
}
