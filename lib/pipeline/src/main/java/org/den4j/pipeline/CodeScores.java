package org.den4j.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Micro-averaged precision, recall and F1 of predicted code sets against the assigned ones.
 *
 * @param notes notes scored
 * @param truePositives predicted codes that were assigned
 * @param predicted codes predicted in all
 * @param assigned codes assigned in all
 */
public record CodeScores(int notes, int truePositives, int predicted, int assigned) {

    /** Scores predictions against gold code lists, note by note (each list counted as a set). */
    public static CodeScores of(List<List<String>> predictions, List<List<String>> gold) {
        if (predictions.size() != gold.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + gold.size() + " notes");
        }
        int tp = 0;
        int predicted = 0;
        int assigned = 0;
        for (int i = 0; i < gold.size(); i++) {
            Set<String> p = normalized(predictions.get(i));
            Set<String> g = normalized(gold.get(i));
            predicted += p.size();
            assigned += g.size();
            for (String code : p) {
                if (g.contains(code)) {
                    tp++;
                }
            }
        }
        return new CodeScores(gold.size(), tp, predicted, assigned);
    }

    /** The codes in a generated completion: comma-separated, trimmed, empty pieces dropped. */
    public static List<String> parseCodes(String completion) {
        List<String> codes = new ArrayList<>();
        for (String piece : completion.split(",")) {
            String code = piece.strip();
            if (!code.isEmpty()) {
                codes.add(code);
            }
        }
        return codes;
    }

    private static Set<String> normalized(List<String> codes) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : codes) {
            out.add(c.strip().toUpperCase(Locale.ROOT));
        }
        return out;
    }

    /** Share of predicted codes that were assigned; 0 when nothing was predicted. */
    public double precision() {
        return predicted == 0 ? 0 : (double) truePositives / predicted;
    }

    /** Share of assigned codes that were predicted; 0 when nothing was assigned. */
    public double recall() {
        return assigned == 0 ? 0 : (double) truePositives / assigned;
    }

    /** The harmonic mean of precision and recall; 0 when both are 0. */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "micro P %.3f R %.3f F1 %.3f (%d of %d predicted codes assigned, %d assigned, "
                + "%d notes)", precision(), recall(), f1(), truePositives, predicted, assigned, notes);
    }
}
