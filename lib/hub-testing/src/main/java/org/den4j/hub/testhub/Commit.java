package org.den4j.hub.testhub;

import java.util.Map;
import java.util.SortedMap;

/**
 * One commit of a repository: its files and the Git ids of its folders.
 *
 * @param sha the Git commit id
 * @param parent the parent commit id, {@code null} for the first commit
 * @param epochSeconds the commit time
 * @param files every file by path, sorted
 * @param trees the tree id of each folder by path, the root under {@code ""}
 */
record Commit(String sha, String parent, long epochSeconds, String message,
        SortedMap<String, Blob> files, Map<String, String> trees) {
}
