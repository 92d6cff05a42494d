package org.den4j.hub.internal;

import java.io.InterruptedIOException;

/** Waits between retries: 200 ms, doubling, at most 2 s. */
final class Backoff {
    private Backoff() {
    }

    static void sleep(int attempt) {
        long millis = Math.min(2000, 200L << Math.min(attempt, 4));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.UncheckedIOException(new InterruptedIOException("interrupted while waiting to retry"));
        }
    }
}
