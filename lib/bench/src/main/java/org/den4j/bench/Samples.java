package org.den4j.bench;

import java.util.Arrays;
import java.util.Locale;
import org.den4j.bench.Measurement.Verdict;

/** The statistics the benchmarks report over their timed runs: medians, ranges, rates, verdicts. */
final class Samples {
    private Samples() {
    }

    /** The median of {@code values} (the mean of the two middle ones for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The smallest value, or NaN for none. */
    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    /** The largest value, or NaN for none. */
    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The element-wise sum of two runs of the same length, such as a copy and a hash making one reference. */
    static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /** The runs in milliseconds, as a report note prints them: {@code 12, 15, 13 ms}. */
    static String list(double[] ms) {
        StringBuilder s = new StringBuilder();
        for (double v : ms) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return s + " ms";
    }

    /** MB/s (10<sup>6</sup> bytes per second) for {@code bytes} in {@code ms} milliseconds. */
    static double mbPerSecond(long bytes, double ms) {
        return bytes / 1e6 / (ms / 1e3);
    }

    /** {@link Verdict#PASS} when the target was reached, else {@link Verdict#MISS}. */
    static Verdict verdict(boolean pass) {
        return pass ? Verdict.PASS : Verdict.MISS;
    }
}
