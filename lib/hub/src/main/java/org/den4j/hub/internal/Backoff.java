package org.den4j.hub.internal;

import java.io.InterruptedIOException;
import java.time.Duration;
import org.den4j.den.backend.RetryPolicy;
import org.den4j.hub.HubException;

/**
 * Waits between retries of Hub requests on den's {@link RetryPolicy}: 200 ms, doubling, at most 2 s.
 *
 * <p>Only the schedule is shared. How many retries each call gets, and that a download's count starts
 * again once bytes arrive, follow Python's {@code huggingface_hub} ({@code http_get}'s {@code _nb_retries})
 * and stay with the callers.
 */
final class Backoff {
    static final RetryPolicy POLICY = new RetryPolicy(FileDownload.STREAM_RETRIES + 1, Duration.ofMillis(200),
            Duration.ofSeconds(2));

    private Backoff() {
    }

    /**
     * Waits before retry number {@code retry} (0 for the first retry).
     *
     * @throws HubException when the thread is interrupted while waiting (the interrupt stays set)
     */
    static void sleep(int retry) {
        try {
            POLICY.pause(retry + 2);
        } catch (InterruptedIOException e) {
            throw new HubException(null, "Interrupted while waiting to retry a Hub request", e);
        }
    }
}
