package org.den4j.den.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static long[] waits(RetryPolicy p, int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToLong(a -> p.waitBefore(a).toMillis()).toArray();
    }

    @Test
    void waitsDoubleFromTheSecondTryUpToTheLimit() {
        RetryPolicy s3 = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2));
        assertEquals("[0, 100, 200, 400, 800, 1600, 2000, 2000]", java.util.Arrays.toString(waits(s3, 8)));
        RetryPolicy server = RetryPolicy.doubling(4, Duration.ofMillis(250));
        assertEquals("[0, 250, 500, 1000, 2000]", java.util.Arrays.toString(waits(server, 5)));
        assertTrue(server.waitBefore(200).compareTo(Duration.ofDays(1000)) > 0, "no overflow, no bound");
    }

    @Test
    void badPoliciesAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
        assertEquals("A retry policy needs at least 1 attempt, not 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertEquals("Retry waits must satisfy 0 <= firstWait (PT2S) <= maxWait (PT1S)", e.getMessage());
    }

    @Test
    void anInterruptedPauseThrowsAndKeepsTheInterrupt() {
        RetryPolicy p = new RetryPolicy(2, Duration.ofSeconds(30), Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        try {
            InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> p.pause(2));
            assertEquals("Interrupted while waiting 30000 ms to retry (try 2 of 2)", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
