package org.den4j.loop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.den4j.coder.eval.MultiLabelMetrics;
import org.den4j.coder.eval.PairedComparison;

/**
 * The promotion rule: whether a challenger replaces the champion, judged on the label set's frozen holdout.
 *
 * <ul>
 *   <li>With no champion, the challenger is promoted when its holdout micro-F1 is above the trivial
 *       baseline's (every observation gets the training data's most frequent labels); no interval is
 *       needed for that first step.
 *   <li>Otherwise both models are scored on exactly the same holdout, and the challenger is promoted only
 *       when the paired-bootstrap 95% lower bound of its micro-F1 gain is above {@code minGain} and its
 *       macro-F1 falls no more than {@code macroTolerance} below the champion's.
 * </ul>
 *
 * <p>The figures come from lib/coder's evaluation ({@link MultiLabelMetrics}, {@link PairedComparison}).
 */
public final class Gate {
    /** Bootstrap resamples of the paired comparison. */
    public static final int RESAMPLES = 1000;
    private final double minGain;
    private final double macroTolerance;
    private final long seed;

    /**
     * The outcome, with every figure the decision record keeps.
     *
     * @param promoted whether the challenger becomes champion
     * @param reason one sentence saying why
     * @param challenger the challenger's holdout figures
     * @param champion the champion's holdout figures, or null for the first model
     * @param baselineMicroF1 the most-frequent-labels baseline's micro-F1
     * @param microF1Diff challenger minus champion micro-F1 (or minus the baseline for the first model)
     * @param ciLow the bootstrap 95% interval's lower bound of that difference, or null for the first model
     * @param ciHigh its upper bound, or null
     * @param mcnemarP McNemar's p-value on per-(observation, label) decisions, or null
     */
    public record Verdict(boolean promoted, String reason, Metrics challenger, Metrics champion, double baselineMicroF1,
            double microF1Diff, Double ciLow, Double ciHigh, Double mcnemarP) {
    }

    /** A gate with the label set's bounds; {@code seed} fixes the bootstrap resamples. */
    public Gate(double minGain, double macroTolerance, long seed) {
        this.minGain = minGain;
        this.macroTolerance = macroTolerance;
        this.seed = seed;
    }

    /**
     * Judges a challenger.
     *
     * @param gold the holdout's confirmed labels
     * @param challenger the challenger's labels for each holdout observation
     * @param champion the champion's, or null when there is none
     * @param baseline the baseline's
     */
    public Verdict judge(List<Set<String>> gold, List<Set<String>> challenger, List<Set<String>> champion,
            List<Set<String>> baseline) {
        Metrics challengerMetrics = metrics(gold, challenger);
        double baselineF1 = metrics(gold, baseline).microF1();
        if (champion == null) {
            boolean promoted = challengerMetrics.microF1() > baselineF1;
            String reason = String.format("first model: holdout micro-F1 %.4f %s the most-frequent-labels baseline's %.4f",
                    challengerMetrics.microF1(), promoted ? "is above" : "is not above", baselineF1);
            return new Verdict(promoted, reason, challengerMetrics, null, baselineF1,
                    challengerMetrics.microF1() - baselineF1, null, null, null);
        }
        Metrics championMetrics = metrics(gold, champion);
        PairedComparison cmp = PairedComparison.of(gold, champion, challenger, RESAMPLES, seed);
        double macroDrop = championMetrics.macroF1() - challengerMetrics.macroF1();
        boolean gain = cmp.ciLow() > minGain;
        boolean macroOk = macroDrop <= macroTolerance;
        String reason;
        if (gain && macroOk) {
            reason = String.format("promoted: micro-F1 gain %.4f with 95%% interval [%.4f, %.4f] above %.4f, macro-F1 "
                    + "change %+.4f within the tolerance %.4f", cmp.microF1Diff(), cmp.ciLow(), cmp.ciHigh(), minGain,
                    -macroDrop, macroTolerance);
        } else if (!gain) {
            reason = String.format("rejected: the 95%% interval [%.4f, %.4f] of the micro-F1 gain %.4f does not lie "
                    + "above %.4f", cmp.ciLow(), cmp.ciHigh(), cmp.microF1Diff(), minGain);
        } else {
            reason = String.format("rejected: macro-F1 falls %.4f, more than the tolerance %.4f", macroDrop,
                    macroTolerance);
        }
        return new Verdict(gain && macroOk, reason, challengerMetrics, championMetrics, baselineF1, cmp.microF1Diff(),
                cmp.ciLow(), cmp.ciHigh(), cmp.mcnemarP());
    }

    /** The holdout figures of {@code predicted} against {@code gold}. */
    public static Metrics metrics(List<Set<String>> gold, List<Set<String>> predicted) {
        MultiLabelMetrics m = MultiLabelMetrics.of(gold, predicted);
        return new Metrics(m.microF1(), m.macroF1(), m.microPrecision(), m.microRecall(), m.exactMatch(), gold.size());
    }

    /**
     * The trivial baseline's labels: the most frequent training labels, as many as the training examples
     * carry on average (one for a single-label set).
     */
    public static Set<String> baseline(List<Set<String>> training, boolean multiLabel) {
        Map<String, Integer> counts = new HashMap<>();
        long total = 0;
        for (Set<String> labels : training) {
            total += labels.size();
            for (String l : labels) {
                counts.merge(l, 1, Integer::sum);
            }
        }
        int k = multiLabel ? (int) Math.max(1, Math.round((double) total / Math.max(1, training.size()))) : 1;
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey(
                Comparator.naturalOrder())));
        Set<String> top = new LinkedHashSet<>();
        for (int i = 0; i < Math.min(k, sorted.size()); i++) {
            top.add(sorted.get(i).getKey());
        }
        return top;
    }
}
