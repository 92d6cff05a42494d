package org.den4j.den;

import java.time.Instant;
import java.util.List;

/**
 * A model in the read-through local cache of a remote den.
 *
 * @param digest the model's manifest digest
 * @param refs the references it was fetched as, for example {@code acme/coder@3}
 * @param location the remote den it came from
 * @param size the bytes of its files
 * @param stored when it entered the cache
 * @param lastUsed when it was last fetched
 * @param uses how many times it was fetched
 * @param pinned whether it is kept whatever the eviction policy says
 * @param inUse whether an open den in some process fetched it (it is never evicted then)
 */
public record CachedModel(String digest, List<String> refs, String location, long size, Instant stored,
        Instant lastUsed, long uses, boolean pinned, boolean inUse) {
    public CachedModel {
        refs = List.copyOf(refs);
    }

    /** The first reference it was fetched as, or {@code sha256:} and its digest's first 12 hex digits. */
    public String label() {
        return refs.isEmpty() ? "sha256:" + digest.substring(0, 12) : refs.get(0);
    }
}
