package org.den4j.serve.api;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The served coder, swapped atomically. One thread loads: first at start, then whenever the followed reference
 * names another model (checked every poll interval) or a reload is forced. A new coder is loaded beside the old one
 * and then put in place; the old one is closed when the last request that holds it lets go
 * ({@link ServedCoder#release()}), so no request fails during a swap.
 */
final class CoderSlot implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.den4j.serve.api");
    private final CoderSource source;
    private final Duration pollInterval;
    private final ApiMetrics metrics;
    private final Clock clock;
    private final AtomicReference<ServedCoder> current = new AtomicReference<>();
    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coder-loader");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastError;
    private volatile String lastLoggedError;

    CoderSlot(CoderSource source, Duration pollInterval, ApiMetrics metrics, Clock clock) {
        this.source = source;
        this.pollInterval = pollInterval;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Starts loading in the background and, for a den reference, following it. */
    void start() {
        loader.execute(() -> check(false));
        if (source.followable() && !pollInterval.isZero()) {
            long ms = pollInterval.toMillis();
            loader.scheduleWithFixedDelay(() -> check(false), ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A reference to the served coder; the caller must {@link ServedCoder#release()} it.
     *
     * @throws ApiException 503 while no coder is loaded yet
     */
    ServedCoder acquire() {
        while (true) {
            ServedCoder s = current.get();
            if (s == null) {
                String why = lastError == null ? "The coder " + source.requested() + " is still loading"
                        : "The coder " + source.requested() + " could not be loaded (" + lastError + ")";
                throw new ApiException(503, "server_error", "model_loading", why + "; retry shortly (GET /health "
                        + "says 200 once it is ready)", 1);
            }
            if (s.retain()) {
                return s;
            }
        }
    }

    /** Whether a coder is served. */
    boolean ready() {
        return current.get() != null;
    }

    /** Why the last load failed, or null. */
    String lastError() {
        return lastError;
    }

    String requested() {
        return source.requested();
    }

    /**
     * Loads the reference again now and swaps it in, even when it names the model already served.
     *
     * @return the coder now served and the one it replaced (null when none was)
     * @throws ApiException 500 when the load fails (the served coder stays)
     */
    Swap reload() {
        try {
            Swap swap = loader.submit(() -> check(true)).get();
            if (swap == null) {
                throw new ApiException(500, "server_error", "reload_failed", "Reloading " + source.requested()
                        + " failed: " + lastError + "; the coder served before stays");
            }
            return swap;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", "shutting_down", "The server is shutting down");
        } catch (ExecutionException e) {
            throw new ApiException(500, "server_error", "reload_failed", "Reloading " + source.requested()
                    + " failed: " + e.getCause());
        }
    }

    /** One swap: what is served now and what was before (null at the first load). */
    record Swap(ModelIdentity now, ModelIdentity before, long loadMillis) {
    }

    /** Runs on the loader thread; returns the swap made, or null when none was (unchanged or failed). */
    private Swap check(boolean force) {
        ModelIdentity target;
        try {
            target = source.resolve();
        } catch (RuntimeException e) {
            failed("resolving " + source.requested(), e);
            return null;
        }
        ServedCoder old = current.get();
        if (!force && old != null && old.identity().key().equals(target.key())) {
            return null;
        }
        ServedCoder loaded;
        try {
            loaded = source.load(target, clock.instant());
        } catch (RuntimeException | LinkageError e) {
            metrics.load(false, 0);
            failed("loading " + target.ref(), e);
            return null;
        }
        metrics.load(true, loaded.loadMillis());
        ServedCoder before = current.getAndSet(loaded);
        lastError = null;
        lastLoggedError = null;
        metrics.served(loaded.identity(), before != null);
        if (before != null) {
            before.release();
            LOG.log(Level.INFO, "Now serving " + loaded.identity().ref() + " (was " + before.identity().ref() + "); "
                    + "loaded in " + loaded.loadMillis() + " ms");
        } else {
            LOG.log(Level.INFO, "Serving " + loaded.identity().ref() + " (" + loaded.identity().kind() + "), loaded in "
                    + loaded.loadMillis() + " ms");
        }
        return new Swap(loaded.identity(), before == null ? null : before.identity(), loaded.loadMillis());
    }

    private void failed(String what, Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        lastError = message;
        if (!Objects.equals(message, lastLoggedError)) {
            lastLoggedError = message;
            LOG.log(Level.WARNING, "Failed " + what + ": " + message + (current.get() != null
                    ? "; still serving " + current.get().identity().ref() : "; will try again"));
        }
    }

    /** Stops following and drops the server's reference to the served coder (closed once requests let go). */
    @Override
    public void close() {
        loader.shutdownNow();
        try {
            loader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ServedCoder s = current.getAndSet(null);
        if (s != null) {
            s.release();
        }
    }
}
