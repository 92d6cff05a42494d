package org.den4j.hub.testhub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Injected failures: connection drops waiting for their download, and corrupted files. */
final class Faults {

    private static final String ANY_REPO = "\0any";

    private final Map<String, Deque<Long>> drops = new HashMap<>();
    private final Set<String> corrupted = new HashSet<>();

    synchronized void dropNext(String repoId, String path, long afterBytes) {
        drops.computeIfAbsent(key(repoId, path), k -> new ArrayDeque<>()).add(afterBytes);
    }

    /** The byte count after which this download must drop, or -1; takes the fault. */
    synchronized long takeDrop(String repoId, String path) {
        for (String key : new String[] {key(repoId, path), key(null, path)}) {
            Deque<Long> queue = drops.get(key);
            if (queue != null && !queue.isEmpty()) {
                long after = queue.poll();
                if (queue.isEmpty()) {
                    drops.remove(key);
                }
                return after;
            }
        }
        return -1;
    }

    synchronized void corrupt(String repoId, String path) {
        corrupted.add(key(repoId, path));
    }

    synchronized boolean isCorrupt(String repoId, String path) {
        return corrupted.contains(key(repoId, path)) || corrupted.contains(key(null, path));
    }

    synchronized void clear() {
        drops.clear();
        corrupted.clear();
    }

    private static String key(String repoId, String path) {
        return (repoId == null ? ANY_REPO : repoId) + "\0" + path;
    }
}
