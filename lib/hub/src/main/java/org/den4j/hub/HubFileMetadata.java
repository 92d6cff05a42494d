package org.den4j.hub;

import java.net.URI;
import java.util.Objects;

/**
 * What a {@code HEAD} on a file's {@code /resolve} URL tells: Python's {@code HfFileMetadata}.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag the blob name: {@code X-Linked-Etag} (an LFS file's SHA-256) or else {@code ETag} (the git blob
 *     id), without quotes or {@code W/}
 * @param size the file's size ({@code X-Linked-Size}, else {@code Content-Length})
 * @param location where to download from: the CDN when the Hub redirects, else the {@code /resolve} URL
 */
public record HubFileMetadata(String commit, String etag, long size, URI location) {
    public HubFileMetadata {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(location, "location");
    }

    /** Whether the etag is a SHA-256, as for LFS files. */
    public boolean isLfs() {
        return etag.length() == 64 && etag.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
