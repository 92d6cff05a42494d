package org.den4j.coder.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.IcdCoder;
import org.den4j.data.ImportReport;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.Den;

/**
 * The coder benchmark of issue 12: on a synthetic MIMIC-IV (2,000 patients, seed 7 by default) split by
 * {@code prepare-mimic}, trains each kind on train with thresholds on validation, measures every coder on test in
 * one run and compares each with {@code linear} (paired bootstrap, McNemar). Optionally runs scikit-learn's
 * {@code TfidfVectorizer} + {@code LinearSVC} on the same split through {@code tools/sklearn_baseline.py}.
 */
public final class CoderBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CoderBenchmark() {
    }

    /**
     * What to run.
     *
     * @param patients synthetic patients
     * @param seed the synthetic release's seed (the splits use prepare-mimic's default seed)
     * @param workDir where the release, the database, the coders and the exported split go; an existing database
     *     there is reused
     * @param kinds the kinds to train, {@code linear} first
     * @param kindSettings settings per kind (may lack kinds)
     * @param resamples bootstrap resamples
     * @param den the den language-model coders take their base model from (null: none)
     * @param device {@code auto}, {@code cpu} or {@code cuda}
     * @param sklearnPython a Python with scikit-learn to run the cross-check with (null: skip it)
     * @param sklearnScript the cross-check script
     * @param progress where to draw progress (null: nowhere)
     */
    public record Settings(int patients, long seed, Path workDir, List<String> kinds,
            Map<String, Map<String, String>> kindSettings, int resamples, Den den, String device,
            String sklearnPython, Path sklearnScript, PrintStream progress) {
    }

    /**
     * One coder's row.
     *
     * @param kind the kind
     * @param result its figures on test (null when training failed)
     * @param vsLinear its comparison with linear (null for linear itself or when either failed)
     * @param trainSeconds wall time of training, threshold tuning included
     * @param invented codes it assigned that are not in the database's dictionary
     * @param failure why it has no figures (null when it has)
     */
    public record Row(String kind, Evaluation.ModelResult result, PairedComparison vsLinear, double trainSeconds,
            long invented, String failure) {
    }

    /**
     * The scikit-learn cross-check.
     *
     * @param microF1 micro-F1 on test of TfidfVectorizer + one-vs-rest LinearSVC (decision threshold 0)
     * @param trainSeconds its training time
     * @param version scikit-learn's version
     */
    public record Sklearn(double microF1, double trainSeconds, String version) {
    }

    /**
     * The run's figures.
     *
     * @param settings what was run
     * @param splits notes per split
     * @param rows one per kind
     * @param sklearn the cross-check, or null
     * @param sklearnFailure why the cross-check did not run, or null
     * @param loadAverage the 1-minute load average at the end
     */
    public record Result(Settings settings, Map<String, Long> splits, List<Row> rows, Sklearn sklearn,
            String sklearnFailure, String loadAverage) {
        /** The table and the ratio lines. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "bench-coder: synthetic MIMIC-IV, %d patients, seed %d; notes: "
                    + "train %d, validation %d, test %d; %d cores; load average %s%n", settings.patients(),
                    settings.seed(), splits.getOrDefault("train", 0L), splits.getOrDefault("validation", 0L),
                    splits.getOrDefault("test", 0L), Runtime.getRuntime().availableProcessors(), loadAverage));
            b.append(String.format(Locale.ROOT, "%-20s %8s %-27s %10s %8s %6s %7s %8s %8s%n", "coder", "micro-F1",
                    "vs linear [95% CI]", "McNemar p", "macro-F1", "P@8", "neg-FP", "train s", "notes/s"));
            for (Row r : rows) {
                if (r.result() == null) {
                    b.append(String.format(Locale.ROOT, "%-20s failed: %s%n", r.kind(), r.failure()));
                    continue;
                }
                Evaluation.ModelResult m = r.result();
                String diff = r.vsLinear() == null ? "-" : String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]",
                        r.vsLinear().microF1Diff(), r.vsLinear().ciLow(), r.vsLinear().ciHigh());
                String p = r.vsLinear() == null ? "-" : String.format(Locale.ROOT, "%.1e", r.vsLinear().mcnemarP());
                b.append(String.format(Locale.ROOT, "%-20s %8.3f %-27s %10s %8.3f %6.3f %7s %8.1f %8.0f%n", r.kind(),
                        m.metrics().microF1(), diff, p, m.metrics().macroF1(), m.pAt8(),
                        m.negationFpRate() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", m.negationFpRate()),
                        r.trainSeconds(), m.predictionsPerSecond()));
            }
            if (sklearn != null) {
                b.append(String.format(Locale.ROOT, "%-20s %8.3f %-27s %10s %8s %6s %7s %8.1f %8s%n",
                        "sklearn LinearSVC", sklearn.microF1(), "(same split and features,", "threshold", "0)", "", "",
                        sklearn.trainSeconds(), ""));
            }
            b.append(String.format(Locale.ROOT, "%n"));
            Row linear = row("linear");
            if (linear != null && linear.result() != null) {
                double f1 = linear.result().metrics().microF1();
                if (sklearn != null) {
                    double gap = f1 - sklearn.microF1();
                    b.append(String.format(Locale.ROOT, "linear vs scikit-learn %s: %.3f vs %.3f, %+.3f (target: no "
                            + "more than 0.03 below): %s%n", sklearn.version(), f1, sklearn.microF1(), gap,
                            gap >= -0.03 ? "met" : "missed"));
                } else {
                    b.append("linear vs scikit-learn: not run (" + sklearnFailure + ")\n");
                }
                double rate = linear.result().predictionsPerSecond();
                b.append(String.format(Locale.ROOT, "linear throughput: %.0f notes/s on %d cores (target >= 500): "
                        + "%s%n", rate, Runtime.getRuntime().availableProcessors(), rate >= 500 ? "met" : "missed"));
                Row best = null;
                for (Row r : rows) {
                    if (r.kind().startsWith("lm-") && r.result() != null && (best == null
                            || r.result().metrics().microF1() > best.result().metrics().microF1())) {
                        best = r;
                    }
                }
                if (best == null) {
                    b.append("best LM coder vs linear: no LM coder ran\n");
                } else {
                    double ratio = f1 == 0 ? Double.NaN : best.result().metrics().microF1() / f1;
                    b.append(String.format(Locale.ROOT, "best LM coder (%s) micro-F1 %.2fx linear's (target >= "
                            + "1.1x): %s; difference interval [%+.3f, %+.3f] (target above 0): %s%n", best.kind(),
                            ratio, ratio >= 1.1 ? "met" : "missed", best.vsLinear().ciLow(), best.vsLinear().ciHigh(),
                            best.vsLinear().ciLow() > 0 ? "met" : "missed"));
                    Double lmNeg = best.result().negationFpRate();
                    Double linNeg = linear.result().negationFpRate();
                    if (lmNeg != null && linNeg != null) {
                        b.append(String.format(Locale.ROOT, "negation false positives: %s %.3f vs linear %.3f "
                                + "(target at most half): %s%n", best.kind(), lmNeg, linNeg,
                                lmNeg <= linNeg / 2 ? "met" : "missed"));
                    }
                }
            }
            Row generate = row("lm-generate");
            if (generate != null && generate.result() != null) {
                b.append(String.format(Locale.ROOT, "lm-generate invented codes on test: %d (target 0): %s%n",
                        generate.invented(), generate.invented() == 0 ? "met" : "missed"));
            }
            return b.toString();
        }

        private Row row(String kind) {
            return rows.stream().filter(r -> r.kind().equals(kind)).findFirst().orElse(null);
        }
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    /**
     * Runs the benchmark.
     *
     * @throws CoderException when the data cannot be made
     */
    public static Result run(Settings s) {
        Path db = s.workDir().resolve("db").resolve(MimicImport.DATABASE_FILE);
        Map<String, Long> splits;
        if (Files.isRegularFile(db)) {
            say(s.progress(), "bench-coder: reusing " + db);
            splits = new LinkedHashMap<>();
            for (String split : List.of("train", "validation", "test")) {
                splits.put(split, (long) CodingData.read(db, split, 0).size());
            }
        } else {
            say(s.progress(), "bench-coder: synthetic MIMIC-IV, " + s.patients() + " patients, seed " + s.seed());
            Path mimic = s.workDir().resolve("mimic");
            SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(s.patients()).seed(s.seed()).overwrite(true)
                    .build().write(mimic);
            ImportReport report = MimicImport.builder(mimic, MimicVersion.MIMIC_IV).outputDir(db.getParent()).build()
                    .run();
            splits = report.splitSizes();
        }
        List<Row> rows = race(db, s.kinds(), s.kindSettings(), s.workDir().resolve("coders"), s.den(), s.device(),
                s.seed(), s.resamples(), s.progress());
        Sklearn sklearn = null;
        String sklearnFailure = "no --sklearn-python given";
        if (s.sklearnPython() != null) {
            try {
                sklearn = sklearn(s, db);
                sklearnFailure = null;
            } catch (IOException | RuntimeException e) {
                sklearnFailure = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sklearnFailure = "interrupted";
            }
        }
        return new Result(s, splits, rows, sklearn, sklearnFailure, loadAverage());
    }

    /**
     * Trains each kind on the train split of {@code db} (thresholds on validation) into {@code coderDir/KIND},
     * measures it on the test split and compares it with {@code linear} (the first kind should be linear). A kind
     * whose training or evaluation fails gets a row with its failure instead of figures.
     */
    public static List<Row> race(Path db, List<String> kinds, Map<String, Map<String, String>> kindSettings,
            Path coderDir, Den den, String device, long seed, int resamples, PrintStream progress) {
        List<CodedNote> test = CodingData.read(db, "test", 0);
        NegatedMentions negated = NegatedMentions.fromDatabase(db);
        CodeDictionary dictionary = CodeDictionary.fromDatabase(db);
        List<Row> rows = new ArrayList<>();
        Evaluation.ModelResult linear = null;
        List<Set<String>> gold = Evaluation.gold(test);
        for (String kind : kinds) {
            Path out = coderDir.resolve(kind);
            long start = System.nanoTime();
            try {
                Path folder = Coders.format(kind).train(CoderTraining.fromDatabase(db, 0, out,
                        kindSettings.getOrDefault(kind, Map.of()), den, device, seed, progress));
                double trainSeconds = (System.nanoTime() - start) / 1e9;
                say(progress, String.format(Locale.ROOT, "coders: %s trained in %.1f s; evaluating on %d "
                        + "test notes", kind, trainSeconds, test.size()));
                Evaluation.ModelResult result;
                try (IcdCoder coder = Coders.load(folder)) {
                    result = Evaluation.evaluate(coder, test, negated);
                }
                long invented = result.predicted().stream().flatMap(Set::stream)
                        .filter(k -> !dictionary.contains(Code.ofKey(k))).count();
                PairedComparison vs = null;
                if (kind.equals("linear")) {
                    linear = result;
                } else if (linear != null) {
                    vs = PairedComparison.of(gold, linear.predicted(), result.predicted(), resamples, seed);
                }
                rows.add(new Row(kind, result, vs, trainSeconds, invented, null));
            } catch (RuntimeException e) {
                say(progress, "coders: " + kind + " failed: " + e.getMessage());
                rows.add(new Row(kind, null, null, (System.nanoTime() - start) / 1e9, 0, e.getMessage()));
            }
        }
        return rows;
    }

    /** Exports the splits as JSON lines ({@code text}, {@code labels}) for tools outside Java. */
    public static void exportSplits(Path database, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String split : List.of("train", "validation", "test")) {
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(split + ".jsonl"),
                    StandardCharsets.UTF_8)) {
                for (CodedNote n : CodingData.read(database, split, 0)) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("hadm_id", n.hadmId());
                    line.put("text", n.text());
                    line.put("labels", n.codes().stream().map(Code::key).toList());
                    w.write(JSON.writeValueAsString(line));
                    w.write('\n');
                }
            }
        }
    }

    private static Sklearn sklearn(Settings s, Path db) throws IOException, InterruptedException {
        Path split = s.workDir().resolve("split");
        exportSplits(db, split);
        say(s.progress(), "bench-coder: scikit-learn cross-check with " + s.sklearnPython());
        Process p = new ProcessBuilder(s.sklearnPython(), s.sklearnScript().toString(), split.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new CoderException(s.sklearnScript() + " failed (exit " + p.exitValue() + ")");
        }
        List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new CoderException(s.sklearnScript() + " printed no JSON line");
        }
        JsonNode j = JSON.readTree(lines.get(lines.size() - 1));
        return new Sklearn(j.get("micro_f1").asDouble(), j.get("train_seconds").asDouble(),
                j.get("sklearn").asText());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
