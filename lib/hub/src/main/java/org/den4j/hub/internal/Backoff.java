package org.den4j.hub.internal;

import org.den4j.hub.HubException;

/** Waits between retries: 200 ms, doubling, at most 2 s. */
final class Backoff {
    private Backoff() {
    }

    /** @throws HubException when the thread is interrupted while waiting (the interrupt stays set) */
    static void sleep(int attempt) {
        long millis = Math.min(2000, 200L << Math.min(attempt, 4));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(null, "Interrupted while waiting to retry a Hub request", e);
        }
    }
}
