package org.den4j.hub.testhub;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A repository's mutable state; every access holds the owning {@link LocalHub}'s lock. */
final class Repo {

    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");

    final String id;
    final Map<String, String> branches = new TreeMap<>();
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, Commit> commits = new HashMap<>();
    /** Tokens that may download from a gated repository; {@code null} when not gated. */
    Set<String> gatedFor;
    /** Tokens that may see a private repository; {@code null} when public. */
    Set<String> privateFor;
    long createdEpochSeconds;

    Repo(String id) {
        this.id = id;
    }

    /**
     * The commit a branch, tag ({@code refs/heads/...}, {@code refs/tags/...}), commit id or
     * {@code HEAD} (the default branch, {@code main}, as in Git) names.
     */
    Commit resolve(String revision) {
        String sha = branches.get(revision.equals("HEAD") ? "main" : revision);
        if (sha == null) {
            sha = tags.get(revision);
        }
        if (sha == null && revision.startsWith("refs/heads/")) {
            sha = branches.get(revision.substring("refs/heads/".length()));
        }
        if (sha == null && revision.startsWith("refs/tags/")) {
            sha = tags.get(revision.substring("refs/tags/".length()));
        }
        if (sha == null && COMMIT_SHA.matcher(revision).matches()) {
            sha = revision;
        }
        return sha == null ? null : commits.get(sha);
    }

    boolean isGated() {
        return gatedFor != null;
    }

    boolean isPrivate() {
        return privateFor != null;
    }

    static Set<String> tokens(String... tokens) {
        return new HashSet<>(Set.of(tokens));
    }
}
