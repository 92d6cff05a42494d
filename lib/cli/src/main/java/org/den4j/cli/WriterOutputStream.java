package org.den4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to a {@link PrintWriter}, decoded as UTF-8 at each flush, so that a {@link java.io.PrintStream}
 * user such as the progress bar can draw on a command's {@code getErr()}.
 *
 * <p>Callers flush after whole strings (as {@code PrintStream} does with autoflush), so a flush
 * never splits a character.
 */
final class WriterOutputStream extends ByteArrayOutputStream {
    private final PrintWriter writer;

    WriterOutputStream(PrintWriter writer) {
        this.writer = writer;
    }

    @Override
    public synchronized void flush() {
        if (size() > 0) {
            writer.print(toString(StandardCharsets.UTF_8));
            reset();
        }
        writer.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
