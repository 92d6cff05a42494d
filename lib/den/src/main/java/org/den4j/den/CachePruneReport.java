package org.den4j.den;

import java.util.List;

/**
 * What a prune or clear of the local cache removed.
 *
 * @param removed the references (or digests) of the models removed
 * @param bytesFreed bytes of blobs deleted
 * @param sizeAfter the cache's size afterwards, in bytes
 */
public record CachePruneReport(List<String> removed, long bytesFreed, long sizeAfter) {
    public CachePruneReport {
        removed = List.copyOf(removed);
    }
}
