package org.den4j.den.backend;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How a client of a remote (a den server, an object store, the Hub) retries: how many tries in all, and an
 * exponential wait between them.
 *
 * <pre>{@code
 * RetryPolicy retry = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2));
 * for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
 *     retry.pause(attempt);          // nothing before the first try, then 100 ms, 200 ms, ... at most 2 s
 *     ...
 * }
 * }</pre>
 *
 * <p>It holds the schedule only: what counts as a failure worth retrying, and what a resumed transfer
 * keeps from the failed one, stay with the client that knows its protocol.
 *
 * @param attempts tries in all, at least 1
 * @param firstWait the wait before the second try; it doubles before each further one
 * @param maxWait the longest wait between two tries
 */
public record RetryPolicy(int attempts, Duration firstWait, Duration maxWait) {
    private static final Duration UNBOUNDED = ChronoUnit.FOREVER.getDuration();

    public RetryPolicy {
        Objects.requireNonNull(firstWait, "firstWait");
        Objects.requireNonNull(maxWait, "maxWait");
        if (attempts < 1) {
            throw new IllegalArgumentException("A retry policy needs at least 1 attempt, not " + attempts);
        }
        if (firstWait.isNegative() || maxWait.compareTo(firstWait) < 0) {
            throw new IllegalArgumentException("Retry waits must satisfy 0 <= firstWait (" + firstWait
                    + ") <= maxWait (" + maxWait + ")");
        }
    }

    /** A policy whose waits keep doubling without a bound. */
    public static RetryPolicy doubling(int attempts, Duration firstWait) {
        return new RetryPolicy(attempts, firstWait, UNBOUNDED);
    }

    /**
     * The wait before try number {@code attempt}: none before the first, {@link #firstWait} before the second,
     * twice as long before each further one, at most {@link #maxWait}. Tries beyond {@link #attempts} are
     * not refused here, so a caller that starts counting again (a transfer that made progress) can reuse it.
     */
    public Duration waitBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        Duration wait = firstWait;
        for (int i = 2; i < attempt && wait.compareTo(maxWait) < 0; i++) {
            wait = wait.compareTo(maxWait.dividedBy(2)) > 0 ? maxWait : wait.multipliedBy(2);
        }
        return wait.compareTo(maxWait) > 0 ? maxWait : wait;
    }

    /**
     * Sleeps {@link #waitBefore(int) the wait before} try {@code attempt}.
     *
     * @throws InterruptedIOException when the thread is interrupted while waiting (the interrupt stays set)
     */
    public void pause(int attempt) throws InterruptedIOException {
        Duration wait = waitBefore(attempt);
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting "
                    + wait.toMillis() + " ms to retry (try " + attempt + " of " + attempts + ")");
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
