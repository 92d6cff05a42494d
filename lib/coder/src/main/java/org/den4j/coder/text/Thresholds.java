package org.den4j.coder.text;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;

/**
 * Per-label score thresholds: a label is assigned when its score is at least its threshold. Tuned on held-out
 * (validation) texts to maximize each label's F1; labels with fewer than {@code minSupport} held-out positives
 * get one global threshold, tuned to maximize micro-F1 over all labels. Immutable.
 *
 * <p>Tuning sees only what it is given: callers pass validation scores, never test scores.
 */
public final class Thresholds {
    /** The file of a saved set: {@code label<TAB>threshold} a line, the global one under {@value #GLOBAL}. */
    public static final String FILE_NAME = "thresholds.tsv";
    /** The label of the global threshold in {@value #FILE_NAME}. */
    public static final String GLOBAL = "*";

    private final double global;
    private final Map<String, Double> perLabel;

    private Thresholds(double global, Map<String, Double> perLabel) {
        if (!(global >= 0 && global <= 1)) {
            throw new IllegalArgumentException("global threshold must be in [0, 1], was " + global);
        }
        this.global = global;
        this.perLabel = Collections.unmodifiableMap(new TreeMap<>(perLabel));
    }

    /** One threshold for every label. */
    public static Thresholds global(double threshold) {
        return new Thresholds(threshold, Map.of());
    }

    /** These thresholds, {@code global} for other labels. */
    public static Thresholds of(double global, Map<String, Double> perLabel) {
        return new Thresholds(global, perLabel);
    }

    /**
     * Tunes thresholds on held-out texts.
     *
     * @param gold the labels of each held-out text
     * @param scores each text's scores, for the labels that apply to it (a label missing from a text's list is
     *     neither a candidate nor a negative there)
     * @param minSupport labels with fewer held-out positives than this get the global threshold
     * @param fallback the global threshold when there are no held-out texts
     */
    public static Thresholds tune(List<Set<String>> gold, List<List<LabelScore>> scores, int minSupport,
            double fallback) {
        if (gold.size() != scores.size()) {
            throw new IllegalArgumentException("one gold set per scored text: " + gold.size() + " gold, "
                    + scores.size() + " scored");
        }
        Map<String, List<double[]>> byLabel = new HashMap<>();
        Map<String, Integer> positives = new HashMap<>();
        List<double[]> all = new ArrayList<>();
        long goldTotal = 0;
        for (int i = 0; i < gold.size(); i++) {
            Set<String> g = gold.get(i);
            goldTotal += g.size();
            for (LabelScore s : scores.get(i)) {
                double[] point = {s.score(), g.contains(s.label()) ? 1 : 0};
                byLabel.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(point);
                all.add(point);
            }
            for (String l : g) {
                positives.merge(l, 1, Integer::sum);
            }
        }
        double global = all.isEmpty() ? fallback : best(all, goldTotal);
        Map<String, Double> per = new HashMap<>();
        for (Map.Entry<String, List<double[]>> e : byLabel.entrySet()) {
            int support = positives.getOrDefault(e.getKey(), 0);
            if (support >= minSupport && support > 0) {
                per.put(e.getKey(), best(e.getValue(), support));
            }
        }
        return new Thresholds(global, per);
    }

    /**
     * The threshold that maximizes F1 of these (score, is-positive) points, with {@code positives} gold positives
     * in all (some may have no score): half-way between the last score kept and the next one below it, so that
     * unseen scores near the boundary fall on the side the held-out data chose.
     */
    private static double best(List<double[]> points, long positives) {
        points.sort((a, b) -> Double.compare(b[0], a[0]));
        long tp = 0;
        long kept = 0;
        double bestF1 = -1;
        double bestThreshold = 1;
        for (int i = 0; i < points.size(); i++) {
            kept++;
            tp += (long) points.get(i)[1];
            // Only between distinct scores: equal scores are kept or dropped together.
            if (i + 1 < points.size() && points.get(i + 1)[0] == points.get(i)[0]) {
                continue;
            }
            double f1 = positives + kept == 0 ? 0 : 2.0 * tp / (positives + kept);
            if (f1 > bestF1) {
                bestF1 = f1;
                double next = i + 1 < points.size() ? points.get(i + 1)[0] : 0;
                bestThreshold = (points.get(i)[0] + next) / 2;
            }
        }
        if (bestF1 <= 0) {
            return 1;
        }
        return Math.min(1, Math.max(0, bestThreshold));
    }

    /** The threshold of {@code label}. */
    public double threshold(String label) {
        return perLabel.getOrDefault(label, global);
    }

    /** The global threshold, for labels without their own. */
    public double global() {
        return global;
    }

    /** The labels with their own threshold, and it. */
    public Map<String, Double> perLabel() {
        return perLabel;
    }

    /** Whether {@code score} assigns {@code label}. */
    public boolean accepts(String label, double score) {
        return score >= threshold(label);
    }

    /** Writes {@value #FILE_NAME} into {@code folder}. */
    public void save(Path folder) {
        try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            w.write(GLOBAL + "\t" + global + "\n");
            for (Map.Entry<String, Double> e : perLabel.entrySet()) {
                w.write(e.getKey() + "\t" + e.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@value #FILE_NAME} of {@code folder}.
     *
     * @throws CoderInputException when it is missing or malformed
     */
    public static Thresholds load(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        try {
            double global = Double.NaN;
            Map<String, Double> per = new HashMap<>();
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isEmpty()) {
                    continue;
                }
                int tab = line.lastIndexOf('\t');
                if (tab < 0) {
                    throw new CoderInputException(file + " line " + n + " is not LABEL<TAB>THRESHOLD");
                }
                double t = Double.parseDouble(line.substring(tab + 1));
                if (line.substring(0, tab).equals(GLOBAL)) {
                    global = t;
                } else {
                    per.put(line.substring(0, tab), t);
                }
            }
            if (Double.isNaN(global)) {
                throw new CoderInputException(file + " has no global threshold line '" + GLOBAL + "<TAB>VALUE'");
            }
            return new Thresholds(global, per);
        } catch (NoSuchFileException e) {
            throw new CoderInputException(folder + " has no " + FILE_NAME + "; train the classifier again", e);
        } catch (IOException | NumberFormatException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
