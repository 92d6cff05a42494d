package org.den4j.den;

/**
 * Receives progress of long work such as pushes and fetches.
 *
 * <p>Calls may come from several threads; implementations must be thread-safe.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** Work named {@code task} starts, with {@code totalBytes} to move (or -1 when unknown). */
    default void start(String task, long totalBytes) {
    }

    /** {@code bytes} more bytes were moved. */
    default void advance(long bytes) {
    }

    /** The work ended, successfully or not. */
    default void finish() {
    }
}
