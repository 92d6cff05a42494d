package org.den4j.coder.lm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Score thresholds tuned on the validation notes: one for every label (the one that maximises micro-F1 over the
 * validation notes), replaced by the label's own best threshold where it has at least {@link #MIN_SUPPORT}
 * validation positives. Kept private to the LM coders until lib/coder's shared tuner lands.
 */
record LabelThresholds(double global, Map<String, Double> perLabel) {
    /** Validation positives a label needs before it gets a threshold of its own. */
    static final int MIN_SUPPORT = 3;
    private static final double[] GRID = grid();

    LabelThresholds {
        perLabel = Map.copyOf(perLabel);
    }

    /** The threshold of {@code label}. */
    double of(String label) {
        return perLabel.getOrDefault(label, global);
    }

    /**
     * Tunes thresholds on scored validation notes.
     *
     * @param scores per note, the score of every label that may be assigned to it
     * @param gold per note, the labels it has
     */
    static LabelThresholds tune(List<Map<String, Double>> scores, List<Set<String>> gold) {
        double bestGlobal = 0.5;
        double bestF1 = -1;
        for (double t : GRID) {
            long tp = 0;
            long fp = 0;
            long fn = 0;
            for (int i = 0; i < scores.size(); i++) {
                Set<String> g = gold.get(i);
                for (Map.Entry<String, Double> e : scores.get(i).entrySet()) {
                    boolean predicted = e.getValue() >= t;
                    boolean actual = g.contains(e.getKey());
                    tp += predicted && actual ? 1 : 0;
                    fp += predicted && !actual ? 1 : 0;
                }
                for (String label : g) {
                    Double s = scores.get(i).get(label);
                    fn += s == null || s < t ? 1 : 0;
                }
            }
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > bestF1) {
                bestF1 = f1;
                bestGlobal = t;
            }
        }
        Map<String, Integer> support = new HashMap<>();
        for (Set<String> g : gold) {
            for (String label : g) {
                support.merge(label, 1, Integer::sum);
            }
        }
        Map<String, Double> per = new HashMap<>();
        for (Map.Entry<String, Integer> s : support.entrySet()) {
            if (s.getValue() < MIN_SUPPORT) {
                continue;
            }
            String label = s.getKey();
            double best = bestGlobal;
            double bestLabelF1 = f1Of(label, bestGlobal, scores, gold);
            for (double t : GRID) {
                double f1 = f1Of(label, t, scores, gold);
                if (f1 > bestLabelF1 + 1e-12) {
                    bestLabelF1 = f1;
                    best = t;
                }
            }
            per.put(label, best);
        }
        return new LabelThresholds(bestGlobal, per);
    }

    private static double f1Of(String label, double t, List<Map<String, Double>> scores, List<Set<String>> gold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < scores.size(); i++) {
            Double s = scores.get(i).get(label);
            boolean predicted = s != null && s >= t;
            boolean actual = gold.get(i).contains(label);
            tp += predicted && actual ? 1 : 0;
            fp += predicted && !actual ? 1 : 0;
            fn += !predicted && actual ? 1 : 0;
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    private static double[] grid() {
        double[] g = new double[19];
        for (int i = 0; i < g.length; i++) {
            g[i] = 0.05 * (i + 1);
        }
        return g;
    }
}
