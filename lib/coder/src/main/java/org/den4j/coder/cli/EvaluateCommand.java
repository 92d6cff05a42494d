package org.den4j.coder.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.eval.Evaluation;
import org.den4j.coder.eval.NegatedMentions;
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

/** {@code evaluate}: measures coders on a split and compares every two of them. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures ICD coders on a split of a prepare-mimic database, each with its validation-tuned "
                + "thresholds: micro/macro precision, recall and F1, P@5/8/15, exact match, the negation "
                + "false-positive rate (synthetic data), and for every two coders the paired-bootstrap 95% interval "
                + "of the micro-F1 difference with McNemar's p-value."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:evaluated", "1:evaluation failed", "2:bad input (not a coder, missing database)"})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "REF",
            description = "A coder folder or a den reference (name, name@version, name@alias); repeatable.")
    List<String> models;

    @Mixin
    CoderData data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = "test or validation (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "At most N notes (default: all).")
    int limit;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples of each comparison (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
            description = "The bootstrap's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption device;

    @Mixin
    DenOption den;

    @Mixin
    VerboseOption verbose;

    private final Map<String, String> env;

    /** A command that reads the den from {@code env}. */
    public EvaluateCommand(Map<String, String> env) {
        this.env = env;
    }

    /** The command line of this command with den4j's error policy. */
    public static CommandLine commandLine(Map<String, String> env) {
        return Commands.line(new EvaluateCommand(env));
    }

    @Override
    public Integer call() {
        if (!split.equals("test") && !split.equals("validation")) {
            throw new CoderInputException("--split must be test or validation, was '" + split + "'; the train split "
                    + "is what the coders learned from");
        }
        if (resamples < 1) {
            throw new CoderInputException("--resamples must be at least 1, was " + resamples);
        }
        Path database = data.database();
        List<CodedNote> notes = CodingData.read(database, split, limit);
        if (notes.isEmpty()) {
            throw new CoderInputException("Split " + split + " of " + database + " has no notes to evaluate on");
        }
        NegatedMentions negated = NegatedMentions.fromDatabase(database);
        List<IcdCoder> coders = new ArrayList<>();
        Den opened = null;
        try {
            CoderFormat.LoadOptions options = new CoderFormat.LoadOptions(device.device());
            for (String ref : models) {
                Path folder = Path.of(ref);
                if (Files.isDirectory(folder) && CoderConfig.isCoderFolder(folder)) {
                    coders.add(Coders.load(folder, null, options));
                } else {
                    if (opened == null) {
                        opened = Den.open(den.config(env));
                    }
                    coders.add(CoderDen.load(opened, ref, options));
                }
            }
            Evaluation.Report report = Evaluation.run(coders, notes, negated, split, resamples, seed);
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? report.toJson() + "\n" : table(report));
            out.flush();
            return Commands.OK;
        } finally {
            for (IcdCoder c : coders) {
                c.close();
            }
            if (opened != null) {
                opened.close();
            }
        }
    }

    /** The report as aligned text tables. */
    static String table(Evaluation.Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s split, %d notes%n", r.split(), r.notes()));
        b.append(String.format(Locale.ROOT, "%-36s %-18s %7s %7s %7s %8s %6s %6s %6s %6s %9s %9s%n", "model", "kind",
                "micro-P", "micro-R", "micro-F1", "macro-F1", "P@5", "P@8", "P@15", "exact", "neg-FP", "notes/s"));
        for (Evaluation.ModelResult m : r.models()) {
            b.append(String.format(Locale.ROOT, "%-36s %-18s %7.3f %7.3f %8.3f %8.3f %6.3f %6.3f %6.3f %6.3f %9s %9.0f%n",
                    m.model(), m.kind(), m.metrics().microPrecision(), m.metrics().microRecall(),
                    m.metrics().microF1(), m.metrics().macroF1(), m.pAt5(), m.pAt8(), m.pAt15(),
                    m.metrics().exactMatch(), m.negationFpRate() == null ? "n/a"
                            : String.format(Locale.ROOT, "%.3f", m.negationFpRate()), m.predictionsPerSecond()));
        }
        if (!r.comparisons().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nmicro-F1 of b minus a (paired bootstrap 95%% interval; McNemar "
                    + "exact p on per-(note, code) decisions)%n"));
            for (Evaluation.Comparison c : r.comparisons()) {
                PairedComparison p = c.result();
                b.append(String.format(Locale.ROOT, "%s vs %s: %+.3f [%+.3f, %+.3f], p = %.3g%n", c.b(), c.a(),
                        p.microF1Diff(), p.ciLow(), p.ciHigh(), p.mcnemarP()));
            }
        }
        return b.toString();
    }
}
