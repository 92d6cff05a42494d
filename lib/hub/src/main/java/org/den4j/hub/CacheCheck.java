package org.den4j.hub;

import java.util.List;
import java.util.Objects;

/**
 * What {@link HubClient#verifyCached} found in the cache for one revision.
 *
 * @param repoId the repository
 * @param commit the commit the revision stands for in the cache
 * @param verified the selected files present and matching (at the level asked for)
 * @param missing the selected files the snapshot lacks
 * @param damaged the selected files whose size or hash does not match, one exception each, naming the file,
 *     the expected and the actual value
 */
public record CacheCheck(String repoId, String commit, List<String> verified, List<String> missing,
        List<BadChecksumException> damaged) {
    public CacheCheck {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(commit, "commit");
        verified = List.copyOf(verified);
        missing = List.copyOf(missing);
        damaged = List.copyOf(damaged);
    }

    /** Whether every selected file is present and matches. */
    public boolean isComplete() {
        return missing.isEmpty() && damaged.isEmpty();
    }
}
