package org.den4j.coder.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.Coders;
import org.den4j.coder.eval.CoderBenchmark;
import org.den4j.coder.eval.PairedComparison;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.command.DeviceOption;
import org.den4j.command.VerboseOption;
import org.den4j.den.Den;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench-coder}: issue 12's coder benchmark, one table from one run. */
@Command(name = "bench-coder", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains linear, naive-bayes and the registered LM coders on a synthetic MIMIC-IV (2,000 "
                + "patients, seed 7) split by prepare-mimic, measures them on test in one run and prints one table: "
                + "micro-F1 with its paired-bootstrap interval against linear, macro-F1, P@8, negation false-positive "
                + "rate, training time, notes per second, and the ratio lines with their targets.",
            "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too)", "1:it failed", "2:invalid options"})
public final class BenchCoderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--patients", paramLabel = "N", description = "Synthetic patients (default: 2000; 200 with "
            + "--quick).")
    Integer patients;

    @Option(names = "--quick", description = "A small run for CI: 200 patients, 200 resamples, no LM coders.")
    boolean quick;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Seed of the synthetic release "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where data and coders go (default: "
            + "output/bench-coder/PATIENTS-SEED); a database already there is reused.")
    Path workDir;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND", description = "Kinds to train, linear first "
            + "(default: linear, naive-bayes and every registered lm-* kind).")
    List<String> kinds;

    @Option(names = "--set", paramLabel = "KIND.KEY=VALUE", description = "A setting of one kind, such as "
            + "linear.c=0.5; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--resamples", paramLabel = "N", description = "Bootstrap resamples (default: "
            + PairedComparison.RESAMPLES + "; 200 with --quick).")
    Integer resamples;

    @Option(names = "--sklearn-python", paramLabel = "PYTHON", description = "A Python with scikit-learn: run "
            + "TfidfVectorizer + LinearSVC on the same split for comparison.")
    String sklearnPython;

    @Option(names = "--sklearn-script", paramLabel = "FILE", defaultValue = "tools/sklearn_baseline.py",
            description = "The cross-check script (default: ${DEFAULT-VALUE}).")
    Path sklearnScript;

    @Mixin
    DeviceOption device;

    @Mixin
    DenOption den;

    @Mixin
    VerboseOption verbose;

    private final PrintStream progress;
    private final Map<String, String> env;

    /** A command that draws progress on {@code progress} and reads the den from {@code env}. */
    public BenchCoderCommand(PrintStream progress, Map<String, String> env) {
        this.progress = progress;
        this.env = env;
    }

    /** The command line of this command with den4j's error policy. */
    public static CommandLine commandLine(PrintStream progress, Map<String, String> env) {
        return Commands.line(new BenchCoderCommand(progress, env));
    }

    @Override
    public Integer call() {
        int n = patients != null ? patients : quick ? 200 : 2000;
        if (n < 20) {
            throw new CoderInputException("--patients must be at least 20 for three splits, was " + n);
        }
        List<String> run = new ArrayList<>();
        if (kinds != null) {
            run.addAll(kinds);
        } else {
            run.add("linear");
            run.add("naive-bayes");
            if (!quick) {
                for (CoderFormat f : Coders.formats()) {
                    if (f.kind().startsWith("lm-")) {
                        run.add(f.kind());
                    }
                }
            }
        }
        for (String k : run) {
            Coders.format(k);
        }
        Map<String, Map<String, String>> byKind = new HashMap<>();
        settings.forEach((key, value) -> {
            int dot = key.indexOf('.');
            if (dot <= 0) {
                throw new CoderInputException("--set " + key + "=" + value + " names no kind; write KIND.KEY=VALUE, "
                        + "such as linear.c=0.5");
            }
            byKind.computeIfAbsent(key.substring(0, dot), k -> new HashMap<>()).put(key.substring(dot + 1), value);
        });
        Path work = workDir != null ? workDir : Path.of("output", "bench-coder", n + "-" + seed);
        Den opened = run.stream().anyMatch(k -> k.startsWith("lm-")) ? Den.open(den.config(env)) : null;
        try {
            CoderBenchmark.Result result = CoderBenchmark.run(new CoderBenchmark.Settings(n, seed, work, run, byKind,
                    resamples != null ? resamples : quick ? 200 : PairedComparison.RESAMPLES, opened, device.device(),
                    sklearnPython, sklearnScript, progress));
            PrintWriter out = spec.commandLine().getOut();
            out.print(result.table());
            out.flush();
            return Commands.OK;
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
