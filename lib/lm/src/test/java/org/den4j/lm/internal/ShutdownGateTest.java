package org.den4j.lm.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ShutdownGateTest {
    @Test
    @Timeout(30)
    void closeWaitsForTheOpenPassThenLetsNoStepIn() throws Exception {
        ShutdownGate gate = new ShutdownGate(Duration.ofSeconds(20));
        ShutdownGate.Pass pass = gate.enter();
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(gate::close);
        Thread.sleep(300);
        assertFalse(closing.isDone(), "the exit waits while a step is inside native code");
        pass.close();
        assertTrue(closing.get(10, TimeUnit.SECONDS), "the exit goes on once the step has ended");

        Thread late = new Thread(gate::enter);
        late.setDaemon(true);
        late.start();
        late.join(300);
        assertTrue(late.isAlive(), "a step that would start after the exit began never gets in");
    }

    @Test
    @Timeout(30)
    void passesNestAndCloseTwiceIsHarmless() throws Exception {
        ShutdownGate gate = new ShutdownGate(Duration.ofSeconds(20));
        try (ShutdownGate.Pass outer = gate.enter(); ShutdownGate.Pass inner = gate.enter()) {
            inner.close();
        }
        assertTrue(CompletableFuture.supplyAsync(gate::close).get(10, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(30)
    void aStepThatNeverEndsHoldsTheExitOnlyUntilMaxWait() throws Exception {
        ShutdownGate gate = new ShutdownGate(Duration.ofMillis(200));
        gate.enter();
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(gate::close);
        try {
            assertFalse(closing.get(10, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("close() did not give up after maxWait", e);
        }
    }
}
