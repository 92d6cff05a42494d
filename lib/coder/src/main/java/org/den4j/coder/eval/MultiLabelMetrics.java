package org.den4j.coder.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Multi-label figures of predicted label sets against gold ones, over any string labels.
 *
 * <p>Micro figures pool every (text, label) decision; macro figures average each label's figure over every label
 * that is in the gold or the predicted sets (a label's precision is 0 when it was never predicted, its recall 0
 * when never gold, as scikit-learn's {@code zero_division=0}). Exact match is the share of texts whose predicted
 * set equals the gold set. With nothing predicted and nothing gold every figure but exact match is 0.
 *
 * @param texts how many texts
 * @param microPrecision pooled precision
 * @param microRecall pooled recall
 * @param microF1 pooled F1
 * @param macroPrecision mean per-label precision
 * @param macroRecall mean per-label recall
 * @param macroF1 mean per-label F1
 * @param exactMatch share of texts predicted exactly
 * @param perLabel each label's counts and figures, by label
 */
public record MultiLabelMetrics(@JsonProperty("texts") int texts,
        @JsonProperty("micro_precision") double microPrecision, @JsonProperty("micro_recall") double microRecall,
        @JsonProperty("micro_f1") double microF1, @JsonProperty("macro_precision") double macroPrecision,
        @JsonProperty("macro_recall") double macroRecall, @JsonProperty("macro_f1") double macroF1,
        @JsonProperty("exact_match") double exactMatch, @JsonProperty("per_label") Map<String, LabelStats> perLabel) {
    public MultiLabelMetrics {
        perLabel = Collections.unmodifiableMap(new TreeMap<>(perLabel));
    }

    /**
     * One label's decisions and figures.
     *
     * @param frequency texts with the label in gold (its support)
     * @param truePositives predicted and gold
     * @param falsePositives predicted, not gold
     * @param falseNegatives gold, not predicted
     */
    public record LabelStats(@JsonProperty("frequency") int frequency, @JsonProperty("tp") int truePositives,
            @JsonProperty("fp") int falsePositives, @JsonProperty("fn") int falseNegatives) {
        @JsonProperty("precision")
        public double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        @JsonProperty("recall")
        public double recall() {
            return ratio(truePositives, truePositives + falseNegatives);
        }

        @JsonProperty("f1")
        public double f1() {
            return ratio(2L * truePositives, 2L * truePositives + falsePositives + falseNegatives);
        }
    }

    static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /**
     * The figures of {@code predicted} against {@code gold}, text by text.
     *
     * @throws IllegalArgumentException when the lists differ in length
     */
    public static MultiLabelMetrics of(List<Set<String>> gold, List<Set<String>> predicted) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("one predicted set per gold set: " + gold.size() + " gold, "
                    + predicted.size() + " predicted");
        }
        Map<String, int[]> counts = new TreeMap<>();
        long tp = 0;
        long fp = 0;
        long fn = 0;
        int exact = 0;
        for (int i = 0; i < gold.size(); i++) {
            Set<String> g = gold.get(i);
            Set<String> p = predicted.get(i);
            if (g.equals(p)) {
                exact++;
            }
            for (String l : g) {
                int[] c = counts.computeIfAbsent(l, k -> new int[4]);
                c[0]++;
                if (p.contains(l)) {
                    c[1]++;
                    tp++;
                } else {
                    c[3]++;
                    fn++;
                }
            }
            for (String l : p) {
                if (!g.contains(l)) {
                    counts.computeIfAbsent(l, k -> new int[4])[2]++;
                    fp++;
                }
            }
        }
        Map<String, LabelStats> per = new TreeMap<>();
        double sp = 0;
        double sr = 0;
        double sf = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            LabelStats s = new LabelStats(c[0], c[1], c[2], c[3]);
            per.put(e.getKey(), s);
            sp += s.precision();
            sr += s.recall();
            sf += s.f1();
        }
        int labels = per.size();
        return new MultiLabelMetrics(gold.size(), ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn),
                labels == 0 ? 0 : sp / labels, labels == 0 ? 0 : sr / labels, labels == 0 ? 0 : sf / labels,
                gold.isEmpty() ? 0 : (double) exact / gold.size(), per);
    }

    /**
     * Precision at {@code k}: for each text, the share of its {@code k} best-ranked labels that are gold (divided by
     * {@code k} even when fewer are ranked, as in the ICD coding literature), averaged over texts.
     *
     * @param ranked each text's labels, best first
     */
    public static double precisionAt(int k, List<Set<String>> gold, List<List<String>> ranked) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        if (gold.size() != ranked.size()) {
            throw new IllegalArgumentException("one ranking per gold set: " + gold.size() + " gold, " + ranked.size()
                    + " ranked");
        }
        if (gold.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < gold.size(); i++) {
            List<String> r = ranked.get(i);
            int hits = 0;
            for (int j = 0; j < Math.min(k, r.size()); j++) {
                if (gold.get(i).contains(r.get(j))) {
                    hits++;
                }
            }
            sum += (double) hits / k;
        }
        return sum / gold.size();
    }
}
