package org.den4j.serve.api;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.den4j.coder.IcdCoder;

/**
 * A loaded coder and what the API says about it, counted by the requests that use it: the server holds one
 * reference while it serves the coder, each request one more, and the last to let go closes the coder. A swap
 * drops the server's reference, so requests in flight finish on the old coder before it is closed.
 */
final class ServedCoder {
    private final IcdCoder coder;
    private final ModelIdentity identity;
    private final Instant loadedAt;
    private final long loadMillis;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedCoder(IcdCoder coder, ModelIdentity identity, Instant loadedAt, long loadMillis) {
        this.coder = coder;
        this.identity = identity;
        this.loadedAt = loadedAt;
        this.loadMillis = loadMillis;
    }

    IcdCoder coder() {
        return coder;
    }

    ModelIdentity identity() {
        return identity;
    }

    Instant loadedAt() {
        return loadedAt;
    }

    long loadMillis() {
        return loadMillis;
    }

    /** Takes a reference; false when the coder is already closed (the caller reads the current one again). */
    boolean retain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the coder. */
    void release() {
        int n = references.decrementAndGet();
        if (n == 0) {
            try {
                coder.close();
            } catch (RuntimeException e) {
                System.getLogger("org.den4j.serve.api").log(System.Logger.Level.WARNING, "Closing the coder "
                        + identity.ref() + " failed: " + e);
            }
        } else if (n < 0) {
            throw new IllegalStateException("The coder " + identity.ref() + " was released more often than taken");
        }
    }

    /** Whether it is closed (every reference dropped). */
    boolean isClosed() {
        return references.get() == 0;
    }
}
