package org.den4j.pipeline;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderDen;
import org.den4j.coder.eval.CoderBenchmark;
import org.den4j.coder.eval.Evaluation;
import org.den4j.coder.eval.PairedComparison;
import org.den4j.den.Den;

/**
 * The main job's coders: several kinds trained on the same DuckDB splits, measured on the same test notes
 * against the linear baseline, pushed as versions of one den name, and the alias {@code champion} moved to the
 * one with the best validation micro-F1 (never the test figure, which would tune on test).
 */
final class CoderRace {
    /** The den name every coder of the main job is a version of. */
    static final String NAME = "den4j/icd-coder";
    static final String CHAMPION = "champion";

    private CoderRace() {
    }

    /**
     * One coder of the race.
     *
     * @param kind the coder kind
     * @param folder its folder
     * @param result its figures on the test split
     * @param vsLinear its paired comparison against linear (null for linear itself)
     * @param trainSeconds training time, thresholds included
     * @param validationMicroF1 the validation micro-F1 its coder.json records (NaN when none)
     */
    record Entry(String kind, Path folder, Evaluation.ModelResult result, PairedComparison vsLinear,
            double trainSeconds, double validationMicroF1) {
    }

    /**
     * Trains and measures each kind through {@link CoderBenchmark#race} (the benchmark's own loop); LM kinds get
     * {@code base} as their base model.
     *
     * @throws PipelineException naming the kind when one fails to train or to be measured
     */
    static List<Entry> run(Path database, Path coderDir, List<String> kinds, Path base, long seed, PrintStream log) {
        Map<String, Map<String, String>> settings = new HashMap<>();
        for (String kind : kinds) {
            if (kind.startsWith("lm-")) {
                settings.put(kind, lmSettings(kind, base));
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (CoderBenchmark.Row row : CoderBenchmark.race(database, kinds, settings, coderDir, null, "auto", seed,
                PairedComparison.RESAMPLES, log)) {
            if (row.failure() != null) {
                throw new PipelineException("The " + row.kind() + " coder failed: " + row.failure());
            }
            Path folder = coderDir.resolve(row.kind());
            double validation = CoderConfig.read(folder).metrics().getOrDefault("validation_micro_f1", Double.NaN);
            entries.add(new Entry(row.kind(), folder, row.result(), row.vsLinear(), row.trainSeconds(), validation));
        }
        return entries;
    }

    /** Small, fast settings for the main job; {@code bench-coder} runs the kinds' own defaults. */
    private static Map<String, String> lmSettings(String kind, Path base) {
        if (kind.equals("lm-label-attention")) {
            return Map.of("base", base.toString(), "epochs", "6", "chunk", "256");
        }
        return Map.of("base", base.toString());
    }

    /**
     * Pushes every coder as a version of {@link #NAME} (LM coders name {@code baseRef} as parent) and points
     * {@code champion} at the best validation micro-F1.
     *
     * @return the pushed references, then the champion's reference last
     */
    static List<String> push(Den den, List<Entry> entries, String baseRef) {
        List<String> refs = new ArrayList<>();
        String champion = null;
        double best = Double.NEGATIVE_INFINITY;
        for (Entry e : entries) {
            String ref = CoderDen.push(den, e.folder(), NAME, e.kind().startsWith("lm-") ? baseRef : null);
            refs.add(ref);
            double v = Double.isNaN(e.validationMicroF1()) ? -1 : e.validationMicroF1();
            if (v > best) {
                best = v;
                champion = ref;
            }
        }
        if (champion != null) {
            den.alias(NAME, CHAMPION, Integer.parseInt(champion.substring(champion.lastIndexOf('@') + 1)));
            refs.add(NAME + "@" + CHAMPION + " = " + champion);
        }
        return refs;
    }

    /** The side-by-side table: one line per coder, test split. */
    static String table(List<Entry> entries, int testNotes) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%-20s %8s  %-26s %8s %6s %9s %9s %9s%n", "coder (" + testNotes + " test notes)", "micro-F1",
                "vs linear [95% CI]", "macro-F1", "P@8", "neg. FP", "train s", "notes/s"));
        for (Entry e : entries) {
            Evaluation.ModelResult r = e.result();
            String vs = e.vsLinear() == null ? "-" : String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]",
                    e.vsLinear().microF1Diff(), e.vsLinear().ciLow(), e.vsLinear().ciHigh());
            t.append(String.format(Locale.ROOT, "%-20s %8.3f  %-26s %8.3f %6.3f %9s %9.1f %9.0f%n", e.kind(),
                    r.metrics().microF1(), vs, r.metrics().macroF1(), r.pAt8(),
                    r.negationFpRate() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.negationFpRate()),
                    e.trainSeconds(), r.predictionsPerSecond()));
        }
        return t.toString();
    }
}
