package org.den4j.data.internal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress line for counted work (patients, rows, examples) with rate and time left, redrawn in
 * place at most ten times a second. {@link #NONE} draws nothing.
 */
public class Progress {
    /** Draws nothing. */
    public static final Progress NONE = new Progress(null, "", 0, "");

    private final PrintStream out;
    private final String task;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;

    /**
     * @param out where to draw, usually {@code System.err}, or null for nothing; not closed
     * @param task what is being done, printed first
     * @param total how many units the work has
     * @param unit what is counted, such as {@code patients}
     */
    public Progress(PrintStream out, String task, long total, String unit) {
        this.out = out;
        this.task = task;
        this.total = total;
        this.unit = unit;
    }

    /** A new line for other work on the same stream. */
    public Progress next(String task, long total, String unit) {
        return out == null ? NONE : new Progress(out, task, total, unit);
    }

    /** {@code n} more units are done. */
    public synchronized void advance(long n) {
        done += n;
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            out.print("\r" + line(now));
            out.flush();
        }
    }

    /** The work is done: draws the final line and ends it. */
    public synchronized void finish() {
        if (out != null) {
            out.println("\r" + line(System.nanoTime()));
            out.flush();
        }
    }

    private String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        double fraction = total <= 0 ? 0 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * 24);
        String eta = done < total && rate > 0 ? String.format(Locale.ROOT, "ETA %.0fs", (total - done) / rate)
                : String.format(Locale.ROOT, "in %.1fs", seconds);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %d/%d %s  %.0f/s  %s", task, "#".repeat(filled),
                ".".repeat(24 - filled), Math.round(fraction * 100), done, total, unit, rate, eta);
    }
}
