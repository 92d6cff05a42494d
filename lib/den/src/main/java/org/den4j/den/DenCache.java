package org.den4j.den;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.den4j.den.internal.CacheStore;

/**
 * The read-through local cache of remote dens: list, prune, clear and pin what it holds.
 *
 * <p>The cache keeps blobs by SHA-256 (verified before they enter), so models that share files share
 * the bytes, and several remote dens share one cache. Eviction follows
 * {@link CacheSettings#evictionPolicy()} down to {@link CacheSettings#maxSize()}, drops models unused
 * for longer than {@link CacheSettings#expiration()}, and never drops a pinned model or one that an
 * open den in any process has fetched.
 *
 * <pre>{@code
 * DenCache cache = DenCache.open(DenConfig.fromEnvironment().cacheSettings());
 * cache.list().forEach(m -> System.out.println(m.label() + " " + m.size()));
 * cache.prune();
 * }</pre>
 *
 * <p>It holds no open files; nothing to close.
 */
public final class DenCache {
    private final CacheStore store;

    DenCache(CacheStore store) {
        this.store = store;
    }

    /**
     * Opens (creating when missing) the cache the settings describe, without reaching any remote.
     *
     * @throws DenConfigException when the directory is unusable
     */
    public static DenCache open(CacheSettings settings) {
        return new DenCache(new CacheStore(settings, Clock.systemUTC()));
    }

    /** The settings: directory, size limit, expiration and policy. */
    public CacheSettings settings() {
        return store.settings();
    }

    /** The cache directory. */
    public Path path() {
        return store.root();
    }

    /** The cached models, least recently used first. */
    public List<CachedModel> list() {
        try {
            return store.list();
        } catch (IOException e) {
            throw new DenException("Cannot list the local cache " + store.root() + ": " + e, e);
        }
    }

    /** The bytes the cached blobs take. */
    public long size() {
        try {
            return store.size();
        } catch (IOException e) {
            throw new DenException("Cannot size the local cache " + store.root() + ": " + e, e);
        }
    }

    /**
     * Drops expired models, then models in policy order while the cache is over its limit; pinned and
     * in-use models stay.
     */
    public CachePruneReport prune() {
        try {
            return store.prune();
        } catch (IOException e) {
            throw new DenException("Cannot prune the local cache " + store.root() + ": " + e
                    + "; models still cached are intact, prune again", e);
        }
    }

    /** Drops every model that is neither pinned nor in use. */
    public CachePruneReport clear() {
        try {
            return store.clear();
        } catch (IOException e) {
            throw new DenException("Cannot clear the local cache " + store.root() + ": " + e
                    + "; models still cached are intact, clear again", e);
        }
    }

    /**
     * Pins or unpins a cached model by digest (or digest prefix); pin a model that is not cached yet
     * with {@link Den#pin(String, boolean)}, which fetches it first.
     *
     * @return the model
     * @throws DenInputException when no cached model, or more than one, matches
     */
    public CachedModel pin(String digestPrefix, boolean pinned) {
        String prefix = digestPrefix.startsWith("sha256:") ? digestPrefix.substring(7) : digestPrefix;
        List<CachedModel> matches = list().stream()
                .filter(m -> m.digest().startsWith(prefix) || m.refs().contains(digestPrefix)).toList();
        if (matches.size() != 1) {
            throw new DenInputException((matches.isEmpty() ? "No cached model matches " : "Several cached models match ")
                    + digestPrefix + " in " + store.root() + "; see den cache ls for digests and references");
        }
        try {
            store.pin(matches.get(0).digest(), pinned);
        } catch (IOException e) {
            throw new DenException("Cannot pin " + digestPrefix + " in the local cache " + store.root() + ": " + e, e);
        }
        return list().stream().filter(m -> m.digest().equals(matches.get(0).digest())).findFirst()
                .orElse(matches.get(0));
    }
}
