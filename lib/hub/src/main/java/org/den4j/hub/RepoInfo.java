package org.den4j.hub;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A repository at a revision, from {@code /api/models/{repo}/revision/{revision}}.
 *
 * @param repoId the repository, such as {@code org/name}
 * @param commit the 40-hex commit the revision resolves to ({@code sha})
 * @param privateRepo whether the repository is private
 * @param gated {@code false}, {@code auto} or {@code manual}: whether users must ask for access
 * @param lastModified when the repository last changed, or null when the Hub does not say
 * @param tags the repository's tags (library, license, task, ...)
 * @param siblings the paths of the repository's files at that commit, when the Hub lists them
 */
public record RepoInfo(String repoId, String commit, boolean privateRepo, String gated, Instant lastModified,
        List<String> tags, List<String> siblings) {
    public RepoInfo {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(commit, "commit");
        gated = gated == null ? "false" : gated;
        tags = tags == null ? List.of() : List.copyOf(tags);
        siblings = siblings == null ? List.of() : List.copyOf(siblings);
    }

    /** Whether users must be granted access before they can download files. */
    public boolean isGated() {
        return !gated.equals("false");
    }
}
