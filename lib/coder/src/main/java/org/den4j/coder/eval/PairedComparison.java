package org.den4j.coder.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Whether coder B is really better than coder A on the same texts.
 *
 * <p>The interval is a paired bootstrap: texts are resampled with replacement ({@code resamples} times, seeded),
 * both coders' micro-F1 computed on each resample, and the 2.5th and 97.5th percentiles of the difference
 * {@code B - A} taken. McNemar's test looks at per-(text, label) decisions, over every label that is gold or
 * predicted by either coder for the text: {@code b} decisions only A got right, {@code c} only B got right; the
 * p-value is the exact two-sided binomial test of {@code min(b, c)} in {@code b + c} trials with probability 1/2
 * (exact at every sample size, so no continuity correction is needed), 1 when there is no discordant decision.
 *
 * @param microF1A A's micro-F1 on all texts
 * @param microF1B B's micro-F1 on all texts
 * @param microF1Diff {@code microF1B - microF1A}
 * @param ciLow lower end of the 95% bootstrap interval of the difference
 * @param ciHigh upper end
 * @param onlyA decisions only A got right (McNemar's b)
 * @param onlyB decisions only B got right (McNemar's c)
 * @param mcnemarP two-sided exact McNemar p-value
 */
public record PairedComparison(@JsonProperty("micro_f1_a") double microF1A,
        @JsonProperty("micro_f1_b") double microF1B, @JsonProperty("micro_f1_diff") double microF1Diff,
        @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh,
        @JsonProperty("only_a") long onlyA, @JsonProperty("only_b") long onlyB,
        @JsonProperty("mcnemar_p") double mcnemarP) {

    /** The default number of bootstrap resamples. */
    public static final int RESAMPLES = 1000;

    /**
     * Compares {@code predictedB} with {@code predictedA} against {@code gold}, text by text.
     *
     * @throws IllegalArgumentException when the lists differ in length or {@code resamples} is below 1
     */
    public static PairedComparison of(List<Set<String>> gold, List<Set<String>> predictedA,
            List<Set<String>> predictedB, int resamples, long seed) {
        int n = gold.size();
        if (predictedA.size() != n || predictedB.size() != n) {
            throw new IllegalArgumentException("one prediction of each coder per gold set: " + n + " gold, "
                    + predictedA.size() + " and " + predictedB.size() + " predicted");
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, was " + resamples);
        }
        // Per text: tp, fp, fn of A, then of B.
        long[][] counts = new long[n][6];
        long onlyA = 0;
        long onlyB = 0;
        for (int i = 0; i < n; i++) {
            Set<String> g = gold.get(i);
            Set<String> a = predictedA.get(i);
            Set<String> b = predictedB.get(i);
            count(g, a, counts[i], 0);
            count(g, b, counts[i], 3);
            Set<String> labels = new HashSet<>(g);
            labels.addAll(a);
            labels.addAll(b);
            for (String l : labels) {
                boolean truth = g.contains(l);
                boolean rightA = a.contains(l) == truth;
                boolean rightB = b.contains(l) == truth;
                if (rightA && !rightB) {
                    onlyA++;
                } else if (rightB && !rightA) {
                    onlyB++;
                }
            }
        }
        double f1A = f1(counts, null, 0);
        double f1B = f1(counts, null, 3);
        double[] diffs = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        int[] pick = new int[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) {
                pick[i] = random.nextInt(Math.max(1, n));
            }
            diffs[r] = n == 0 ? 0 : f1(counts, pick, 3) - f1(counts, pick, 0);
        }
        Arrays.sort(diffs);
        return new PairedComparison(f1A, f1B, f1B - f1A, percentile(diffs, 0.025), percentile(diffs, 0.975), onlyA,
                onlyB, mcnemar(onlyA, onlyB));
    }

    private static void count(Set<String> gold, Set<String> predicted, long[] into, int at) {
        for (String p : predicted) {
            into[at + (gold.contains(p) ? 0 : 1)]++;
        }
        for (String g : gold) {
            if (!predicted.contains(g)) {
                into[at + 2]++;
            }
        }
    }

    private static double f1(long[][] counts, int[] pick, int at) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        int n = pick == null ? counts.length : pick.length;
        for (int i = 0; i < n; i++) {
            long[] c = counts[pick == null ? i : pick[i]];
            tp += c[at];
            fp += c[at + 1];
            fn += c[at + 2];
        }
        return MultiLabelMetrics.ratio(2 * tp, 2 * tp + fp + fn);
    }

    /** The linearly interpolated quantile {@code q} of sorted values (numpy's default). */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Two-sided exact McNemar p-value: {@code 2 P(X <= min(b, c))}, X ~ Binomial(b + c, 1/2), at most 1. */
    static double mcnemar(long b, long c) {
        long n = b + c;
        if (n == 0) {
            return 1;
        }
        long k = Math.min(b, c);
        // Sum C(n, i) / 2^n for i <= k in log space, so that large n does not overflow.
        double logTerm = -n * Math.log(2);
        double logSum = logTerm;
        for (long i = 0; i < k; i++) {
            logTerm += Math.log(n - i) - Math.log(i + 1);
            double hi = Math.max(logSum, logTerm);
            logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logTerm - hi));
        }
        return Math.min(1, 2 * Math.exp(logSum));
    }
}
