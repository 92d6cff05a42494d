package org.den4j.den;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A text progress bar with rate and time left, redrawn in place on a terminal stream.
 *
 * <pre>
 * push acme/qwen2 [#########...........]  45%  460.2 MiB/1.0 GiB  312.4 MiB/s  ETA 2s
 * </pre>
 *
 * <p>Work smaller than {@code minBytes} draws nothing. Redraws at most ten times a second. Work counted in
 * something other than bytes names its unit ({@link #ProgressBar(PrintStream, long, String)}):
 *
 * <pre>
 * train tokenizer [######..................]  23%  58/253 merges  571 merges/s  ETA 0s
 * </pre>
 *
 * <p>A resumed job counts the work done before it with {@link #skip}, and a job that has more to say than its
 * count (a training loss) sets {@link #detail}:
 *
 * <pre>
 * train [#########...............]  37%  37/100 steps  1.4 steps/s  loss 2.3412  1830 tok/s  ETA 45s
 * </pre>
 */
public final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final long minBytes;
    private final String unit;
    private final AtomicLong done = new AtomicLong();
    private volatile long skipped;
    private volatile String detail;
    private volatile String task = "";
    private volatile long total = -1;
    private volatile long startNanos;
    private volatile long lastDraw;
    private volatile boolean active;

    /**
     * @param out where to draw, usually {@code System.err}; not closed
     * @param minBytes work below this size draws nothing
     */
    public ProgressBar(PrintStream out, long minBytes) {
        this(out, minBytes, null);
    }

    /**
     * A bar for work counted in {@code unit}, such as {@code "merges"} or {@code "notes"}.
     *
     * @param out where to draw, usually {@code System.err}; not closed
     * @param minCount work below this count draws nothing
     * @param unit the unit of the counts, or null for bytes
     */
    public ProgressBar(PrintStream out, long minCount, String unit) {
        this.out = out;
        this.minBytes = minCount;
        this.unit = unit;
    }

    @Override
    public void start(String task, long totalBytes) {
        this.task = task;
        this.total = totalBytes;
        this.done.set(0);
        this.skipped = 0;
        this.detail = null;
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
        this.active = totalBytes < 0 || totalBytes >= minBytes;
    }

    @Override
    public void advance(long bytes) {
        long now = done.addAndGet(bytes);
        if (!active) {
            return;
        }
        long t = System.nanoTime();
        if (t - lastDraw > 100_000_000L) {
            lastDraw = t;
            synchronized (this) {
                out.print("\r" + line(now, t));
                out.flush();
            }
        }
    }

    @Override
    public void finish() {
        if (active) {
            synchronized (this) {
                out.println("\r" + line(done.get(), System.nanoTime()));
                out.flush();
            }
        }
        active = false;
    }

    /**
     * Counts {@code count} units as done before this run started (a resumed job): they fill the bar but do not
     * count towards the rate or the time left. Call after {@link #start}.
     */
    public void skip(long count) {
        skipped += count;
        done.addAndGet(count);
    }

    /** Text drawn after the rate on the next redraws, such as {@code loss 2.3412}; null for none. */
    public void detail(String text) {
        detail = text;
    }

    /** The bar as text for {@code bytes} done at time {@code nanos}. */
    String line(long bytes, long nanos) {
        double seconds = Math.max(1e-9, (nanos - startNanos) / 1e9);
        double rate = Math.max(0, bytes - skipped) / seconds;
        StringBuilder b = new StringBuilder(task).append(' ');
        if (total > 0) {
            double fraction = Math.min(1, (double) bytes / total);
            int filled = (int) Math.round(fraction * WIDTH);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append(']');
            b.append(String.format(Locale.ROOT, " %3d%%  %s", Math.round(fraction * 100), unit == null
                    ? bytes(bytes) + "/" + bytes(total) : bytes + "/" + total + " " + unit));
        } else {
            b.append(unit == null ? bytes(bytes) : bytes + " " + unit);
        }
        b.append("  ").append(unit == null ? bytes((long) rate) : count(rate) + " " + unit).append("/s");
        String text = detail;
        if (text != null && !text.isEmpty()) {
            b.append("  ").append(text);
        }
        if (total > 0 && bytes < total && rate > 0) {
            b.append("  ETA ").append(duration((total - bytes) / rate));
        } else if (total > 0) {
            b.append("  in ").append(duration(seconds));
        }
        return b.toString();
    }

    /** Bytes in binary units, for example {@code 1.5 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A rate of counted units: one decimal below 10 (slow work such as training steps), else whole. */
    private static String count(double rate) {
        return rate < 10 ? String.format(Locale.ROOT, "%.1f", rate) : Long.toString(Math.round(rate));
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
