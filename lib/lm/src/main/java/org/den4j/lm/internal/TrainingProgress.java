package org.den4j.lm.internal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line training progress bar, redrawn in place: step, bar, loss, tokens/s and time left.
 *
 * <pre>
 * train [#########...............]  37/100  loss 2.3412  1830 tok/s  ETA 1m04s
 * </pre>
 */
public final class TrainingProgress {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final int total;
    private final int first;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    /**
     * @param out where to draw; not closed
     * @param first the step before the first one this run takes (0, or the resumed step)
     * @param total the last step
     */
    public TrainingProgress(PrintStream out, int first, int total) {
        this.out = out;
        this.first = first;
        this.total = total;
    }

    /** Redraws after {@code step} (at most ten times a second, always on the last step). */
    public void update(int step, double loss, double tokensPerSecond) {
        long now = System.nanoTime();
        if (step < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(step, loss, tokensPerSecond, now));
        if (step >= total) {
            out.println();
        }
        out.flush();
    }

    String line(int step, double loss, double tokensPerSecond, long now) {
        double fraction = total == 0 ? 1 : (double) step / total;
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (now - startNanos) / 1e9;
        int done = step - first;
        double left = done > 0 ? seconds / done * (total - step) : Double.NaN;
        return String.format(Locale.ROOT, "train [%s%s] %d/%d  loss %.4f  %.0f tok/s  ETA %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), step, total, loss, tokensPerSecond, duration(left));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
