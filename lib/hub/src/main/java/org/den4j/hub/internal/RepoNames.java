package org.den4j.hub.internal;

import java.util.regex.Pattern;

/** Checks of repository ids, revisions and file paths before they reach a URL or the disk. */
public final class RepoNames {
    /** Python's {@code DEFAULT_REVISION}. */
    public static final String DEFAULT_REVISION = "main";
    // Python's REPO_ID_REGEX: optional namespace, then a name of word characters, '-' and '.'.
    private static final Pattern REPO_ID = Pattern.compile("(\\b[\\w\\-.]+\\b/)?\\b[\\w\\-.]{1,96}\\b",
            Pattern.UNICODE_CHARACTER_CLASS);

    private RepoNames() {
    }

    /**
     * Checks a repository id as Python's {@code validate_repo_id} does.
     *
     * @throws IllegalArgumentException naming the id and the rule it breaks
     */
    public static String checkRepoId(String repoId) {
        if (repoId == null || !REPO_ID.matcher(repoId).matches()) {
            throw new IllegalArgumentException("Repo id must be 'name' or 'namespace/name' using letters, digits, "
                    + "'-', '_' or '.', not starting or ending with '-' or '.', at most 96 characters: '" + repoId
                    + "'");
        }
        if (repoId.contains("--") || repoId.contains("..")) {
            throw new IllegalArgumentException("Cannot have -- or .. in repo id: '" + repoId + "'");
        }
        if (repoId.endsWith(".git")) {
            throw new IllegalArgumentException("Repo id cannot end with '.git': '" + repoId + "'");
        }
        return repoId;
    }

    /** The revision, or {@code main} for null; refuses revisions that would leave {@code refs/}. */
    public static String checkRevision(String revision) {
        String r = revision == null ? DEFAULT_REVISION : revision;
        if (r.isEmpty() || r.startsWith("/") || r.contains("\\") || r.contains("\0")
                || hasSegment(r, "..") || hasSegment(r, ".") || hasSegment(r, "")) {
            throw new IllegalArgumentException("Invalid revision '" + revision
                    + "': use a branch, a tag or a commit, such as 'main', 'v1.0' or a 40-hex commit");
        }
        return r;
    }

    /**
     * Checks a file path in a repository as Python's {@code _validate_relative_filename} does: no absolute
     * or drive paths, no {@code ..} segment.
     */
    public static String checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("A file path in the repository is required, such as 'config.json'");
        }
        String p = path.replace('\\', '/');
        if (hasSegment(p, "..")) {
            throw new IllegalArgumentException("Invalid filename '" + path
                    + "': cannot contain a '..' path segment. Please ask the repository owner to rename this file.");
        }
        if (p.startsWith("/") || (p.length() >= 2 && p.charAt(1) == ':') || p.contains("\0")
                || hasSegment(p, "") || hasSegment(p, ".")) {
            throw new IllegalArgumentException("Invalid filename '" + path
                    + "': it must be a relative path such as 'config.json' or 'onnx/model.onnx'");
        }
        return path;
    }

    /** Whether {@code revision} is a full 40-hex commit (Python's {@code REGEX_COMMIT_HASH}). */
    public static boolean isCommit(String revision) {
        return Checksums.isSha1(revision);
    }

    /** The cache folder of a model repository: {@code models--org--name}. */
    public static String folderName(String repoId) {
        return "models--" + repoId.replace("/", "--");
    }

    private static boolean hasSegment(String path, String segment) {
        for (String s : path.split("/", -1)) {
            if (s.equals(segment)) {
                return true;
            }
        }
        return false;
    }
}
