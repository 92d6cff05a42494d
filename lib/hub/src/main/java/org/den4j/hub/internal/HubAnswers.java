package org.den4j.hub.internal;

import java.net.URI;
import org.den4j.hub.InvalidHubAnswerException;

/**
 * Checks of the values a Hub sends before they name a file: commit ids, blob names, file paths.
 *
 * <p>A commit id becomes {@code snapshots/<commit>/} and {@code refs/<revision>}'s content, a blob name
 * becomes {@code blobs/<etag>} and a lock file, a path becomes a link under the snapshot: a value that is
 * absolute, climbs out with {@code ..} or holds control characters would reach outside the cache. So each
 * must have its documented form, or the download stops before anything is written.
 */
final class HubAnswers {
    private static final int SHOWN = 200;

    private HubAnswers() {
    }

    /** A commit id: 40 lower-case hex digits, as the Hub's {@code sha} and {@code X-Repo-Commit} always are. */
    static String commit(String repoId, URI url, String value) {
        if (!Checksums.isSha1(value)) {
            throw invalid(repoId, url, "commit id", value, "a commit id is 40 lower-case hex digits");
        }
        return value;
    }

    /** An LFS object id: 64 lower-case hex digits (the file's SHA-256). */
    static String lfsOid(String repoId, URI url, String path, String value) {
        if (!Checksums.isSha256(value)) {
            throw invalid(repoId, url, "LFS oid" + (path == null ? "" : " of '" + clean(path) + "'"), value,
                    "an LFS oid is the file's SHA-256, 64 lower-case hex digits");
        }
        return value;
    }

    /** A blob name ({@code ETag}): an LFS SHA-256 (64 hex) or a git blob id (40 hex). */
    static String etag(String repoId, URI url, String path, String value) {
        if (Checksums.algorithmOf(value) == null) {
            throw invalid(repoId, url, "ETag of '" + clean(path) + "'", value,
                    "a file's ETag is its SHA-256 (64 hex digits) or its git blob id (40 hex digits)");
        }
        return value;
    }

    /** A git blob id from a tree listing: 40 hex digits, or absent. */
    static String gitOid(String repoId, URI url, String path, String value) {
        if (value != null && !Checksums.isSha1(value)) {
            throw invalid(repoId, url, "git oid of '" + clean(path) + "'", value,
                    "a git blob id is 40 lower-case hex digits");
        }
        return value;
    }

    /** A file path in a repository: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment. */
    static String path(String repoId, URI url, String value) {
        String problem = pathProblem(value);
        if (problem != null) {
            throw invalid(repoId, url, "file path", value, problem);
        }
        return value;
    }

    /** Why {@code path} cannot be a file of a repository in the cache, or null when it can. */
    static String pathProblem(String path) {
        if (path == null || path.isEmpty()) {
            return "a file path must not be empty";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "a file path must not hold NUL or other control characters";
            }
        }
        if (path.startsWith("/") || path.contains("\\") || (path.length() >= 2 && path.charAt(1) == ':')) {
            return "a file path must be relative, with '/' separators, such as 'onnx/model.onnx'";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "a file path must not have an empty, '.' or '..' segment";
            }
        }
        return null;
    }

    private static InvalidHubAnswerException invalid(String repoId, URI url, String field, String value,
            String rule) {
        String shown = value == null ? "nothing" : "'" + clean(value) + "'";
        return new InvalidHubAnswerException(repoId, url, field, value == null ? null : clean(value),
                "The Hub sent an invalid " + field + " for " + repoId + ": " + shown + " (" + rule + "), in its "
                        + "answer to " + url + ". Nothing was written. Check that HF_ENDPOINT points at a "
                        + "Hugging Face Hub or a mirror you trust.");
    }

    /** The value for a message: control characters escaped, at most 200 characters. */
    static String clean(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < SHOWN; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return value.length() > SHOWN ? out + "..." : out.toString();
    }
}
