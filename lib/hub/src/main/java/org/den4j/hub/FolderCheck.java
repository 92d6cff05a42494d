package org.den4j.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link HubClient#verifyFolder} found in a folder compared with a repository's files at a commit.
 *
 * @param folder the folder checked
 * @param repoId the repository it was compared with
 * @param commit the commit whose file listing was the reference
 * @param verified the selected files present and matching (at the level asked for)
 * @param missing the selected files the folder lacks
 * @param extra files in the folder that the repository does not have at that commit (the folder's top-level
 *     {@code .cache/} of Python's and den4j's bookkeeping is not counted)
 * @param damaged the selected files whose size or hash does not match, one exception each, naming the file, the
 *     expected and the actual value
 */
public record FolderCheck(Path folder, String repoId, String commit, List<String> verified, List<String> missing,
        List<String> extra, List<BadChecksumException> damaged) {
    public FolderCheck {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(commit, "commit");
        verified = List.copyOf(verified);
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
        damaged = List.copyOf(damaged);
    }

    /** Whether every selected file is present and matches; extra files are allowed. */
    public boolean isComplete() {
        return missing.isEmpty() && damaged.isEmpty();
    }

    /** Whether the folder holds exactly the selected files, each matching: complete and nothing extra. */
    public boolean isExact() {
        return isComplete() && extra.isEmpty();
    }
}
