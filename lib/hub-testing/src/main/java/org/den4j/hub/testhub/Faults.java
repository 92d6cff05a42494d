package org.den4j.hub.testhub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Injected failures: connection drops waiting for their download (or for the download of one
 * range), corrupted files and bytes, a server without {@code Range} support, and the hostile
 * answers of a Hub that lies (commit ids and LFS oids that are paths, bodies cut short with
 * {@code Range} ignored, JSON without end).
 */
final class Faults {

    private static final String ANY_REPO = "\0any";

    private final Map<String, Deque<Long>> drops = new HashMap<>();
    private final Set<String> corrupted = new HashSet<>();
    private final Map<String, String> lfsOids = new HashMap<>();
    private final Map<String, Long> truncations = new HashMap<>();
    private final Map<String, Long> rangeDrops = new HashMap<>();
    private final Map<String, Long> corruptBytes = new HashMap<>();
    private String commitId;
    private boolean endlessJson;
    private boolean ignoreRanges;

    synchronized void dropNext(String repoId, String path, long afterBytes) {
        drops.computeIfAbsent(key(repoId, path), k -> new ArrayDeque<>()).add(afterBytes);
    }

    synchronized void dropNextRange(String path, long rangeStart, long afterBytes) {
        rangeDrops.put(key(null, path) + "@" + rangeStart, afterBytes);
    }

    /**
     * The byte count after which this download, whose {@code Range} starts at {@code rangeStart}
     * (0 without one), must drop, or -1; takes the fault. A drop armed for that range start wins
     * over one armed for any download of the file.
     */
    synchronized long takeDrop(String repoId, String path, long rangeStart) {
        Long ranged = rangeDrops.remove(key(null, path) + "@" + rangeStart);
        if (ranged != null) {
            return ranged;
        }
        return takeDrop(repoId, path);
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

    synchronized void corruptByte(String path, long offset) {
        corruptBytes.put(key(null, path), offset);
    }

    /** The offset of the one byte of {@code path} to serve inverted, or -1. */
    synchronized long corruptByteOf(String path) {
        return corruptBytes.getOrDefault(key(null, path), -1L);
    }

    synchronized void ignoreRanges(boolean ignore) {
        ignoreRanges = ignore;
    }

    synchronized boolean ignoresRanges() {
        return ignoreRanges;
    }

    synchronized void sendCommitId(String value) {
        commitId = value;
    }

    /** The commit id to send for {@code real}: the lie when one is set. */
    synchronized String commitId(String real) {
        return commitId != null ? commitId : real;
    }

    synchronized void sendLfsOid(String path, String value) {
        lfsOids.put(path, value);
    }

    /** The LFS oid to send for {@code path}: the lie when one is set. */
    synchronized String lfsOid(String path, String real) {
        return lfsOids.getOrDefault(path, real);
    }

    synchronized void truncate(String path, long afterBytes) {
        truncations.put(key(null, path), afterBytes);
    }

    /** The byte count after which every download of {@code path} ends, Range ignored; or -1. */
    synchronized long truncation(String path) {
        return truncations.getOrDefault(key(null, path), -1L);
    }

    synchronized void sendEndlessJson(boolean endless) {
        endlessJson = endless;
    }

    synchronized boolean endlessJson() {
        return endlessJson;
    }

    synchronized void clear() {
        drops.clear();
        corrupted.clear();
        lfsOids.clear();
        truncations.clear();
        rangeDrops.clear();
        corruptBytes.clear();
        commitId = null;
        endlessJson = false;
        ignoreRanges = false;
    }

    private static String key(String repoId, String path) {
        return (repoId == null ? ANY_REPO : repoId) + "\0" + path;
    }
}
