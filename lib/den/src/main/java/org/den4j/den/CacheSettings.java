package org.den4j.den;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The read-through local cache of a remote den.
 *
 * @param path the cache directory ({@code DEN4J_LOCAL_CACHE_PATH})
 * @param expiration how long a cached model stays after its last use ({@code DEN4J_LOCAL_CACHE_EXPIRATION_TIME});
 *     0 drops every model that is neither pinned nor in use at the next prune
 * @param maxSize the size limit in bytes ({@code DEN4J_LOCAL_CACHE_MAX_SIZE}); 0 keeps only pinned and
 *     in-use models
 * @param evictionPolicy which models go first when the cache is over its limit
 *     ({@code DEN4J_LOCAL_CACHE_EVICTION_POLICY}); {@link EvictionPolicy#NONE} refuses to grow past it
 */
public record CacheSettings(Path path, Duration expiration, long maxSize, EvictionPolicy evictionPolicy) {
    public CacheSettings {
        Objects.requireNonNull(path, "path");
        expiration = expiration == null ? DenConfig.DEFAULT_CACHE_EXPIRATION : expiration;
        evictionPolicy = evictionPolicy == null ? EvictionPolicy.LRU : evictionPolicy;
        if (expiration.isNegative()) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_EXPIRATION_TIME", "Cache expiration " + expiration
                    + " is negative; use 0 or more seconds");
        }
        if (maxSize < 0) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_MAX_SIZE", "Cache size limit " + maxSize
                    + " is negative; use 0 or more bytes");
        }
        path = path.toAbsolutePath().normalize();
    }

    /** A copy with another directory. */
    public CacheSettings withPath(Path path) {
        return new CacheSettings(path, expiration, maxSize, evictionPolicy);
    }

    /** A copy with another size limit. */
    public CacheSettings withMaxSize(long maxSize) {
        return new CacheSettings(path, expiration, maxSize, evictionPolicy);
    }

    /** A copy with another expiration. */
    public CacheSettings withExpiration(Duration expiration) {
        return new CacheSettings(path, expiration, maxSize, evictionPolicy);
    }

    /** A copy with another eviction policy. */
    public CacheSettings withEvictionPolicy(EvictionPolicy evictionPolicy) {
        return new CacheSettings(path, expiration, maxSize, evictionPolicy);
    }
}
