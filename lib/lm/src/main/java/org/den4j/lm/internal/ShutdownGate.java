package org.den4j.lm.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the JVM's exit from tearing libtorch down while a thread is inside a native PyTorch step.
 *
 * <p>Why: on SIGTERM (or {@code System.exit} from another thread) the JVM runs its shutdown hooks and then the C
 * library's {@code exit()}, which runs libtorch's static destructors while other threads keep running. A thread
 * still inside a PyTorch call at that moment, typically {@code backward()} walking the autograd graph, reads the
 * destroyed accelerator registry and the JVM dies with SIGSEGV in {@code at::accelerator::getAccelerator}
 * (the crash of {@code lm-kit} stopped after 137 s, reproduced by exiting from a second thread during
 * pre-training). The gate's shutdown hook closes the gate and waits for the steps in progress to end; a step that
 * would start after that waits, in Java, until the exit ends the process.
 *
 * <pre>{@code
 * try (ShutdownGate.Pass pass = ShutdownGate.process().enter()) {
 *     collector.backward(loss);   // native work the exit must not cut through
 * }
 * }</pre>
 *
 * <p>One gate serves the whole process ({@link #process()}), since there is one exit; it is the only static state
 * of this module. Passes nest and several threads may hold them at once. The hook waits at most
 * {@code maxWait} for them, so a step that never ends cannot keep the process alive.
 */
public final class ShutdownGate {
    private static final ShutdownGate PROCESS = new ShutdownGate(Duration.ofSeconds(60)).registerHook();

    // Fair, so that once the hook waits for the write lock, no new step slips in ahead of it.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final Duration maxWait;

    /** A gate whose {@link #close()} waits at most {@code maxWait} for the steps in progress. */
    public ShutdownGate(Duration maxWait) {
        this.maxWait = maxWait;
    }

    /** The gate that this JVM's exit closes. */
    public static ShutdownGate process() {
        return PROCESS;
    }

    private ShutdownGate registerHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "den4j-lm-shutdown-gate"));
        return this;
    }

    /**
     * Lets the calling thread into native work and returns the pass it closes when done. Once the gate is closed
     * this never returns: the exit in progress ends the process.
     */
    public Pass enter() {
        lock.readLock().lock();
        return new Pass(lock);
    }

    /**
     * Closes the gate: waits until no pass is open (at most {@code maxWait}) and lets no new one in.
     *
     * @return true when every pass ended in time
     */
    public boolean close() {
        try {
            return lock.writeLock().tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An open pass through the gate; {@link #close()} it (try-with-resources) when the native work is done. */
    public static final class Pass implements AutoCloseable {
        private final ReentrantReadWriteLock lock;
        private boolean closed;

        private Pass(ReentrantReadWriteLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                lock.readLock().unlock();
            }
        }
    }
}
