package org.den4j.serve.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (API key, or client address without keys): {@code burst} requests at once, refilled
 * at {@code perMinute} a minute. Written here rather than taken from a library because it is twenty lines and
 * needs the seconds until the next token for {@code Retry-After}.
 */
final class RateLimiter {
    private static final int PRUNE_ABOVE = 10_000;
    private final double perNano;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perMinute requests a minute, at least 1
     * @param burst requests at once; 0 for one minute's worth
     */
    RateLimiter(int perMinute, int burst, LongSupplier nanoTime) {
        this.perNano = perMinute / (double) TimeUnit.MINUTES.toNanos(1);
        this.capacity = burst > 0 ? burst : perMinute;
        this.nanoTime = nanoTime;
    }

    /** Takes a token for {@code client}: 0 when the request may go, else the whole seconds to wait. */
    long acquire(String client) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(b -> b.fullAt(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(now)).take(now);
    }

    private final class Bucket {
        private double tokens = capacity;
        private long last;

        Bucket(long now) {
            this.last = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanos = (1 - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(nanos / 1e9));
        }

        synchronized boolean fullAt(long now) {
            return tokens + (now - last) * perNano >= capacity;
        }
    }
}
