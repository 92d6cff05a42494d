package org.den4j.den;

/**
 * Receives progress of long work such as pushes, fetches and Hub downloads: one {@code start}, any number
 * of {@code advance}, one {@code finish}.
 *
 * <p>A snapshot download from the Hub reports all its files as one piece of work. Calls may come from
 * several threads; implementations must be thread-safe.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** Work named {@code task} starts, with {@code totalBytes} to move (or -1 when unknown). */
    default void start(String task, long totalBytes) {
    }

    /**
     * {@code bytes} more bytes were moved. Negative when a resumed download had to start over because the
     * server ignored the {@code Range} request.
     */
    default void advance(long bytes) {
    }

    /** The work ended, successfully or not. */
    default void finish() {
    }
}
